import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { TOOLS } from '../../src/mcp/tools/index.js';
import { TOOL_GROUPS, TOOL_PRESETS, TOOLSET_NAMES } from '../../src/mcp/toolsets.js';

/** toolsets.ts is plain data written apart from the tools: these keep the two in step. */
describe('toolset definitions', () => {
  const names = TOOLS.map((t) => t.name);

  it('put every tool in exactly one group', () => {
    const grouped = Object.values(TOOL_GROUPS).flat();
    expect([...grouped].sort()).toEqual([...names].sort());
  });

  it('name only real tools in presets', () => {
    for (const [preset, tools] of Object.entries(TOOL_PRESETS)) {
      for (const tool of tools) expect(names, `${preset}: ${tool}`).toContain(tool);
    }
  });
});

describe('--toolsets / CHAT_HISTORY_TOOLSETS', () => {
  it('defaults to all, and reads a comma-separated list from the flag before the environment', () => {
    expect(loadConfig({}, {}).toolsets).toEqual(['all']);
    expect(loadConfig({}, { CHAT_HISTORY_TOOLSETS: ' chat , search ' }).toolsets).toEqual(['chat', 'search']);
    expect(loadConfig({ toolsets: 'context' }, { CHAT_HISTORY_TOOLSETS: 'chat' }).toolsets).toEqual(['context']);
  });

  it('refuses an unknown name, naming the flag, the variable and every valid name', () => {
    const error = (() => {
      try {
        loadConfig({ toolsets: 'chat,memories' }, {});
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain('--toolsets / CHAT_HISTORY_TOOLSETS: unknown toolset "memories"');
    for (const name of TOOLSET_NAMES) expect(error!.message).toContain(name);
  });

  it('refuses an empty list', () => {
    expect(() => loadConfig({ toolsets: ' , ' }, {})).toThrow(/--toolsets \/ CHAT_HISTORY_TOOLSETS: name at least one/);
  });
});
