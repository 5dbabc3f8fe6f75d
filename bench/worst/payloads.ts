/**
 * Pathological but legal text for the worst-case runs: one unbroken run (no space or
 * punctuation for the tokenizer or the search index to split on), escape-heavy text (every
 * character becomes six bytes in JSON), many repeats of one word. Pseudo-random from a fixed
 * seed, so a run is repeatable and no cache (the tokenizer's merge cache, SQLite's page cache
 * of a repeated value) flatters the figures.
 */

/** A small deterministic generator (LCG); each call site seeds its own. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function fromAlphabet(alphabet: readonly string[], length: number, seed: number): string {
  const next = random(seed);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)]!;
  return out;
}

const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
/** Common CJK characters: three UTF-8 bytes each, one token each, no spaces between them. */
const CJK = [
  ...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切',
];
const DNA = ['A', 'C', 'G', 'T'];
/** C0 controls that JSON writes as \u00XX: six bytes on the wire for every byte stored. */
const CONTROLS = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).filter(
  (c) => !'\b\t\n\f\r'.includes(c),
);

/** `bytes` UTF-8 bytes of random lowercase letters: one word, as long as the text. */
export const unbrokenLetters = (bytes: number, seed = 1) => fromAlphabet(LETTERS, bytes, seed);
/** About `bytes` UTF-8 bytes of CJK without a break (a third as many characters). */
export const unbrokenCjk = (bytes: number, seed = 2) => fromAlphabet(CJK, Math.floor(bytes / 3), seed);
/** DNA-like: four letters, no spaces. */
export const dna = (bytes: number, seed = 3) => fromAlphabet(DNA, bytes, seed);
/** `bytes` of control characters: 6 × `bytes` once serialized as JSON. */
export const escapeHeavy = (bytes: number, seed = 4) => fromAlphabet(CONTROLS, bytes, seed);
/** `word` repeated with single spaces up to about `bytes` bytes. */
export const repeated = (word: string, bytes: number) => `${word} `.repeat(Math.floor(bytes / (word.length + 1)));
/** Many distinct random words (a large search vocabulary). */
export function distinctWords(bytes: number, seed = 5): string {
  const next = random(seed);
  const words: string[] = [];
  let size = 0;
  while (size < bytes) {
    let w = '';
    const length = 5 + Math.floor(next() * 6);
    for (let i = 0; i < length; i++) w += LETTERS[Math.floor(next() * LETTERS.length)]!;
    words.push(w);
    size += w.length + 1;
  }
  return words.join(' ');
}

/** UTF-8 bytes of a value as JSON: what it costs on the wire. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}
