/**
 * Progress on stderr: a bar redrawn in place (with \r) when stderr is a terminal, otherwise
 * plain lines ("exported 120/500 conversations"), at most about twenty of them, for logs and
 * CI. A dozen lines here rather than a dependency: this package starts through npx.
 */
export function progress(verb: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  const every = Math.max(1, Math.floor(total / 20));
  return {
    tick(done: number): void {
      const line = `${verb} ${done}/${total} conversations`;
      if (tty) {
        const width = 24;
        const filled = total === 0 ? width : Math.round((done / total) * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}`);
        if (done === total) stream.write('\n');
      } else if (done === total || done % every === 0) {
        stream.write(`${line}\n`);
      }
    },
  };
}
