import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'

/**
 * Token kinds, as CPython 3.12's tokenizer names them. Every operator and every hard keyword has its
 * own kind, so that the parser compares small integers; soft keywords (`match`, `case`, `type`, `_`)
 * are `NAME` tokens, told apart by the parser.
 */
export const Tok = {
  ENDMARKER: 0,
  NAME: 1,
  NUMBER: 2,
  STRING: 3,
  NEWLINE: 4,
  INDENT: 5,
  DEDENT: 6,
  FSTRING_START: 7,
  FSTRING_MIDDLE: 8,
  FSTRING_END: 9,
  /** Only in {@link tokenizeAll}'s output: a comment, without its line end. */
  COMMENT: 10,
  /** Only in {@link tokenizeAll}'s output: a line end that does not end a statement. */
  NL: 11,
  /**
   * The end of the input inside an open bracket (CPython's `ERRORTOKEN` at EOF); where a lexical
   * error stopped the tokens of {@link scan}; a malformed piece in the tolerant {@link tokenizeAll}.
   */
  ERRORTOKEN: 12,
  LPAR: 13,
  RPAR: 14,
  LSQB: 15,
  RSQB: 16,
  COLON: 17,
  COMMA: 18,
  SEMI: 19,
  PLUS: 20,
  MINUS: 21,
  STAR: 22,
  SLASH: 23,
  VBAR: 24,
  AMPER: 25,
  LESS: 26,
  GREATER: 27,
  EQUAL: 28,
  DOT: 29,
  PERCENT: 30,
  LBRACE: 31,
  RBRACE: 32,
  EQEQUAL: 33,
  NOTEQUAL: 34,
  LESSEQUAL: 35,
  GREATEREQUAL: 36,
  TILDE: 37,
  CIRCUMFLEX: 38,
  LEFTSHIFT: 39,
  RIGHTSHIFT: 40,
  DOUBLESTAR: 41,
  PLUSEQUAL: 42,
  MINEQUAL: 43,
  STAREQUAL: 44,
  SLASHEQUAL: 45,
  PERCENTEQUAL: 46,
  AMPEREQUAL: 47,
  VBAREQUAL: 48,
  CIRCUMFLEXEQUAL: 49,
  LEFTSHIFTEQUAL: 50,
  RIGHTSHIFTEQUAL: 51,
  DOUBLESTAREQUAL: 52,
  DOUBLESLASH: 53,
  DOUBLESLASHEQUAL: 54,
  AT: 55,
  ATEQUAL: 56,
  RARROW: 57,
  ELLIPSIS: 58,
  COLONEQUAL: 59,
  EXCLAMATION: 60,
  /** Any other printable ASCII character (`$`, `?`, `` ` ``) and the retired `<>`: the parser rejects them. */
  OP: 61,
  FALSE: 62,
  NONE: 63,
  TRUE: 64,
  AND: 65,
  AS: 66,
  ASSERT: 67,
  ASYNC: 68,
  AWAIT: 69,
  BREAK: 70,
  CLASS: 71,
  CONTINUE: 72,
  DEF: 73,
  DEL: 74,
  ELIF: 75,
  ELSE: 76,
  EXCEPT: 77,
  FINALLY: 78,
  FOR: 79,
  FROM: 80,
  GLOBAL: 81,
  IF: 82,
  IMPORT: 83,
  IN: 84,
  IS: 85,
  LAMBDA: 86,
  NONLOCAL: 87,
  NOT: 88,
  OR: 89,
  PASS: 90,
  RAISE: 91,
  RETURN: 92,
  TRY: 93,
  WHILE: 94,
  WITH: 95,
  YIELD: 96,
} as const

/** One of the kinds in {@link Tok}. */
export type TokenKind = (typeof Tok)[keyof typeof Tok]

/** The first keyword kind; every kind from here on is a hard keyword. */
export const FIRST_KEYWORD: TokenKind = Tok.FALSE

/** Hard keywords by spelling. */
export const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['False', Tok.FALSE], ['None', Tok.NONE], ['True', Tok.TRUE], ['and', Tok.AND], ['as', Tok.AS], ['assert', Tok.ASSERT],
  ['async', Tok.ASYNC], ['await', Tok.AWAIT], ['break', Tok.BREAK], ['class', Tok.CLASS], ['continue', Tok.CONTINUE],
  ['def', Tok.DEF], ['del', Tok.DEL], ['elif', Tok.ELIF], ['else', Tok.ELSE], ['except', Tok.EXCEPT], ['finally', Tok.FINALLY],
  ['for', Tok.FOR], ['from', Tok.FROM], ['global', Tok.GLOBAL], ['if', Tok.IF], ['import', Tok.IMPORT], ['in', Tok.IN],
  ['is', Tok.IS], ['lambda', Tok.LAMBDA], ['nonlocal', Tok.NONLOCAL], ['not', Tok.NOT], ['or', Tok.OR], ['pass', Tok.PASS],
  ['raise', Tok.RAISE], ['return', Tok.RETURN], ['try', Tok.TRY], ['while', Tok.WHILE], ['with', Tok.WITH], ['yield', Tok.YIELD],
])

/** Soft keywords: names that are keywords only where the grammar says so. */
export const SOFT_KEYWORDS: ReadonlySet<string> = new Set(['match', 'case', 'type', '_'])

/** CPython's `MAXLEVEL`: brackets nest at most this deep. */
const MAX_BRACKET_LEVEL = 200
/** CPython's `MAXINDENT`: blocks nest at most this deep. */
const MAX_INDENT = 100
/** CPython's `MAXFSTRINGLEVEL`. */
const MAX_FSTRING_LEVEL = 150
/** CPython's `MAX_EXPR_NESTING`: replacement fields nest at most this deep inside format specs. */
const MAX_EXPR_NESTING = 3
const TAB_SIZE = 8

const C_TAB = 9
const C_LF = 10
const C_FF = 12
const C_CR = 13
const C_SPACE = 32
const C_BANG = 33
const C_DQUOTE = 34
const C_HASH = 35
const C_SQUOTE = 39
const C_LPAR = 40
const C_RPAR = 41
const C_DOT = 46
const C_0 = 48
const C_1 = 49
const C_7 = 55
const C_9 = 57
const C_COLON = 58
const C_EQUAL = 61
const C_LSQB = 91
const C_BACKSLASH = 92
const C_RSQB = 93
const C_UNDERSCORE = 95
const C_LBRACE = 123
const C_RBRACE = 125

/** An error found while scanning: its message, where CPython puts it, and where a tolerant scan resumes. */
class ScanError {
  /** Where the malformed token starts, for a tolerant scan's error token (defaults to `start`). */
  tokenStart: number
  /**
   * CPython reports this error only when its parser reads that far (indentation, line continuation):
   * an earlier error of the parser wins. Other lexical errors win over the parser's.
   */
  deferred = false
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
    public resumeAt: number,
  ) {
    this.tokenStart = start
  }
}

/** Per f-string state, as CPython's `tokenizer_mode`. The bottom of the stack is the plain mode. */
interface Mode {
  /** True while tokenizing the literal text of an f-string (`TOK_FSTRING_MODE`). */
  fstring: boolean
  quote: number
  quoteSize: number
  /** Offset of the f-string's prefix. */
  start: number
  raw: boolean
  /** Brackets of every kind open inside this f-string's replacement fields. */
  curlyDepth: number
  /** How deep replacement fields nest (-1 outside any). */
  exprStartDepth: number
  inFormatSpec: boolean
  debug: boolean
  /** Offset just after the `{` of the current replacement field, or -1. */
  exprStart: number
  /** Offset where the field's expression text ends (the first `!`, `:` or `}` at its level), or -1. */
  exprEnd: number
}

function plainMode(): Mode {
  return { fstring: false, quote: 0, quoteSize: 0, start: 0, raw: false, curlyDepth: 0, exprStartDepth: -1, inFormatSpec: false, debug: false, exprStart: -1, exprEnd: -1 }
}

/**
 * The tokens of a source text, in parallel arrays (a long file has hundreds of thousands of tokens;
 * arrays of numbers cost far less than token objects). Token `i` has kind `kinds[i]` and runs from
 * `starts[i]` to `ends[i]` (character offsets into the source).
 */
export interface TokenStream {
  readonly source: string
  readonly count: number
  readonly kinds: Uint8Array
  readonly starts: Int32Array
  readonly ends: Int32Array
  /** For `NAME` tokens, the index of the (NFKC-normalised) identifier in `names`; -1 otherwise. */
  readonly nameIds: Int32Array
  /** Each distinct identifier once, so that a name that repeats is one string. */
  readonly names: readonly string[]
  /**
   * For the `!`, `:` or `}` token that ends the expression of a self-documenting replacement field
   * (`f"{x=}"`), the text CPython repeats before the value (`x=`).
   */
  readonly debugTexts: ReadonlyMap<number, string>
  /** Set when the input ends inside a bracket: the innermost open bracket's character and offset. */
  readonly unclosed: { readonly bracket: string; readonly offset: number } | undefined
}

/** Options for {@link Scanner}. */
interface ScanOptions {
  /** Also emit `COMMENT` and `NL` tokens. */
  trivia: boolean
  /** Skip the indentation and bracket checks (for colouring text that may be invalid). */
  tolerant: boolean
}

/**
 * The hash of an identifier that {@link Scanner} computes while it reads the characters: `h * 33 + c` for each
 * character code, kept to 24 bits (so it stays a small integer). {@link TokenBuffer.internText} hashes whole
 * strings the same way, so that a name reaches the same slot whichever way it is interned.
 */
const HASH_MASK = 0xffffff

/** The {@link HASH_MASK} hash of a whole string. */
function hashText(text: string): number {
  let hash = 0
  for (let k = 0; k < text.length; k++) hash = (hash * 33 + text.charCodeAt(k)) & HASH_MASK
  return hash
}

/** Slots of the keyword table (a power of two, over three times the keywords, so that every probe ends early). */
const KEYWORD_SLOTS = 128
/** Keywords in the order of {@link KEYWORDS}, with their kinds and hashes, for {@link keywordAt}. */
const KEYWORD_TEXTS: readonly string[] = [...KEYWORDS.keys()]
const KEYWORD_KINDS: readonly number[] = [...KEYWORDS.values()]
const KEYWORD_HASHES: readonly number[] = KEYWORD_TEXTS.map(hashText)
/** Open addressing over {@link KEYWORD_HASHES}: each slot holds a keyword's index plus one, or 0. */
const KEYWORD_TABLE = new Uint8Array(KEYWORD_SLOTS)
for (let k = 0; k < KEYWORD_TEXTS.length; k++) {
  let slot = KEYWORD_HASHES[k]! & (KEYWORD_SLOTS - 1)
  while (KEYWORD_TABLE[slot] !== 0) slot = (slot + 1) & (KEYWORD_SLOTS - 1)
  KEYWORD_TABLE[slot] = k + 1
}

/**
 * The hard keyword spelt by `s` from `start` to `start + length` (whose hash is `hash`), or -1; reads the
 * source in place, without slicing it.
 */
function keywordAt(s: string, start: number, length: number, hash: number): number {
  let slot = hash & (KEYWORD_SLOTS - 1)
  for (let probe = 0; probe < KEYWORD_SLOTS; probe++) {
    const entry = KEYWORD_TABLE[slot]!
    if (entry === 0) return -1
    const k = entry - 1
    if (KEYWORD_HASHES[k] === hash && KEYWORD_TEXTS[k]!.length === length && s.startsWith(KEYWORD_TEXTS[k]!, start)) return KEYWORD_KINDS[k]!
    slot = (slot + 1) & (KEYWORD_SLOTS - 1)
  }
  return -1
}

/** Slots of a new buffer's name table; it doubles whenever it is half full. */
const INITIAL_NAME_SLOTS = 256

/** Growable parallel arrays of tokens. */
class TokenBuffer {
  count = 0
  /** The length of the arrays (kept as a number: a typed array's `length` is a getter). */
  capacity: number
  kinds: Uint8Array
  starts: Int32Array
  ends: Int32Array
  nameIds: Int32Array
  readonly names: string[] = []
  /** The hash of each name in {@link names}. */
  private readonly nameHashes: number[] = []
  /** Open addressing over the names: each slot holds a name's index plus one, or 0. */
  private nameSlots = new Int32Array(INITIAL_NAME_SLOTS)
  readonly debugTexts = new Map<number, string>()

  constructor(capacity: number) {
    this.capacity = capacity
    this.kinds = new Uint8Array(capacity)
    this.starts = new Int32Array(capacity)
    this.ends = new Int32Array(capacity)
    this.nameIds = new Int32Array(capacity)
  }

  push(kind: number, start: number, end: number, nameId: number): number {
    const i = this.count
    if (i === this.capacity) this.grow()
    this.kinds[i] = kind
    this.starts[i] = start
    this.ends[i] = end
    this.nameIds[i] = nameId
    this.count = i + 1
    return i
  }

  /**
   * The index of the name spelt by `s` from `start` to `end` (whose hash is `hash`), added on its first
   * occurrence: a name seen before costs no new string.
   */
  internRange(s: string, start: number, end: number, hash: number): number {
    const slots = this.nameSlots
    const mask = slots.length - 1
    const length = end - start
    let slot = hash & mask
    for (let probe = 0; probe < slots.length; probe++) {
      const entry = slots[slot]!
      if (entry === 0) break
      const name = this.names[entry - 1]!
      if (this.nameHashes[entry - 1] === hash && name.length === length && s.startsWith(name, start)) return entry - 1
      slot = (slot + 1) & mask
    }
    return this.add(s.slice(start, end), hash, slot)
  }

  /** The index of `name` (an identifier after NFKC normalisation), added on its first occurrence. */
  internText(name: string): number {
    const hash = hashText(name)
    const slots = this.nameSlots
    const mask = slots.length - 1
    let slot = hash & mask
    for (let probe = 0; probe < slots.length; probe++) {
      const entry = slots[slot]!
      if (entry === 0) break
      if (this.names[entry - 1] === name) return entry - 1
      slot = (slot + 1) & mask
    }
    return this.add(name, hash, slot)
  }

  /** Adds a name at the free `slot` of its probe sequence. */
  private add(name: string, hash: number, slot: number): number {
    const id = this.names.length
    this.names.push(name)
    this.nameHashes.push(hash)
    this.nameSlots[slot] = id + 1
    if ((id + 1) * 2 > this.nameSlots.length) this.rehash()
    return id
  }

  /** Doubles the name table (the new one is at most a quarter full, so every probe below finds a free slot). */
  private rehash(): void {
    const slots = new Int32Array(this.nameSlots.length * 2)
    const mask = slots.length - 1
    for (let id = 0; id < this.names.length; id++) {
      let slot = this.nameHashes[id]! & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = id + 1
    }
    this.nameSlots = slots
  }

  /** Doubles the arrays, keeping the tokens. */
  grow(): void {
    const size = this.capacity * 2
    this.capacity = size
    const kinds = new Uint8Array(size)
    kinds.set(this.kinds)
    const starts = new Int32Array(size)
    starts.set(this.starts)
    const ends = new Int32Array(size)
    ends.set(this.ends)
    const nameIds = new Int32Array(size)
    nameIds.set(this.nameIds)
    this.kinds = kinds
    this.starts = starts
    this.ends = ends
    this.nameIds = nameIds
  }
}

/**
 * The patterns of PEP 3131's identifiers and of CPython's non-printable characters, made on first use: V8 checks a
 * `\p{…}` pattern when it creates it, building its Unicode sets, which would cost every start of the core, while
 * only a name with a character beyond ASCII needs them.
 */
let unicodePatterns: { identifier: RegExp; start: RegExp; part: RegExp; nonPrintable: RegExp } | undefined
function unicode(): NonNullable<typeof unicodePatterns> {
  unicodePatterns ??= {
    identifier: /^[\p{XID_Start}_][\p{XID_Continue}]*$/u,
    start: /[\p{XID_Start}_]/u,
    part: /\p{XID_Continue}/u,
    // characters CPython's `str.isprintable()` rejects: separators other than space, and other control/format/unassigned code points
    nonPrintable: /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u,
  }
  return unicodePatterns
}

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9
}
function isHexDigit(c: number): boolean {
  return (c >= C_0 && c <= C_9) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}
function isPotentialIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === C_UNDERSCORE || c >= 128
}
function isPotentialIdentifierChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= C_0 && c <= C_9) || c === C_UNDERSCORE || c >= 128
}

/** 1 for the ASCII characters that may continue an identifier (letters, digits, `_`). */
const IS_IDENTIFIER_CHAR = new Uint8Array(128)
/** 1 for the ASCII characters that may start an identifier (letters, `_`). */
const IS_IDENTIFIER_START = new Uint8Array(128)
/** 1 for the letters of string prefixes (`b`, `r`, `u`, `f`, either case). */
const IS_PREFIX_LETTER = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  IS_IDENTIFIER_CHAR[c] = isPotentialIdentifierChar(c) ? 1 : 0
  IS_IDENTIFIER_START[c] = isPotentialIdentifierStart(c) ? 1 : 0
}
for (const c of 'bBrRuUfF') IS_PREFIX_LETTER[c.charCodeAt(0)] = 1

/** One-character operators by character code. */
const ONE_CHAR: Record<number, TokenKind> = {
  37: Tok.PERCENT, 38: Tok.AMPER, 40: Tok.LPAR, 41: Tok.RPAR, 42: Tok.STAR, 43: Tok.PLUS, 44: Tok.COMMA, 45: Tok.MINUS,
  46: Tok.DOT, 47: Tok.SLASH, 58: Tok.COLON, 59: Tok.SEMI, 60: Tok.LESS, 61: Tok.EQUAL, 62: Tok.GREATER, 64: Tok.AT,
  91: Tok.LSQB, 93: Tok.RSQB, 94: Tok.CIRCUMFLEX, 123: Tok.LBRACE, 124: Tok.VBAR, 125: Tok.RBRACE, 126: Tok.TILDE, 33: Tok.EXCLAMATION,
}

/** 1 for the characters that may start a two-character operator (see {@link twoChars}). */
const STARTS_PAIR = new Uint8Array(128)
for (const c of '!%&*+-/:<=>@^|') STARTS_PAIR[c.charCodeAt(0)] = 1

/** The two-character operator made of `c1` and `c2`, or -1. `<>` is an `OP`: CPython 3.12 rejects it. */
function twoChars(c1: number, c2: number): number {
  switch (c1) {
    case 33: return c2 === 61 ? Tok.NOTEQUAL : -1 // !=
    case 37: return c2 === 61 ? Tok.PERCENTEQUAL : -1
    case 38: return c2 === 61 ? Tok.AMPEREQUAL : -1
    case 42: return c2 === 42 ? Tok.DOUBLESTAR : c2 === 61 ? Tok.STAREQUAL : -1
    case 43: return c2 === 61 ? Tok.PLUSEQUAL : -1
    case 45: return c2 === 61 ? Tok.MINEQUAL : c2 === 62 ? Tok.RARROW : -1
    case 47: return c2 === 47 ? Tok.DOUBLESLASH : c2 === 61 ? Tok.SLASHEQUAL : -1
    case 58: return c2 === 61 ? Tok.COLONEQUAL : -1
    case 60: return c2 === 60 ? Tok.LEFTSHIFT : c2 === 61 ? Tok.LESSEQUAL : c2 === 62 ? Tok.OP : -1
    case 61: return c2 === 61 ? Tok.EQEQUAL : -1
    case 62: return c2 === 61 ? Tok.GREATEREQUAL : c2 === 62 ? Tok.RIGHTSHIFT : -1
    case 64: return c2 === 61 ? Tok.ATEQUAL : -1
    case 94: return c2 === 61 ? Tok.CIRCUMFLEXEQUAL : -1
    case 124: return c2 === 61 ? Tok.VBAREQUAL : -1
    default: return -1
  }
}

/** The three-character operator whose first two characters make `two`, completed by `c3`, or -1. */
function threeChars(two: number, c3: number): number {
  if (c3 !== C_EQUAL) return -1
  switch (two) {
    case Tok.DOUBLESTAR: return Tok.DOUBLESTAREQUAL
    case Tok.DOUBLESLASH: return Tok.DOUBLESLASHEQUAL
    case Tok.LEFTSHIFT: return Tok.LEFTSHIFTEQUAL
    case Tok.RIGHTSHIFT: return Tok.RIGHTSHIFTEQUAL
    default: return -1
  }
}

/** The 1-based line number of `offset`, counting `\n`, `\r\n` and a lone `\r` as line ends. */
export function lineOf(source: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < source.length; i++) {
    const c = source.charCodeAt(i)
    if (c === C_LF) line++
    else if (c === C_CR) {
      if (source.charCodeAt(i + 1) !== C_LF) line++
    }
  }
  return line
}

/** Offset of the first character of the line that holds `offset`. */
export function lineStartOf(source: string, offset: number): number {
  let i = Math.min(offset, source.length)
  while (i > 0) {
    const c = source.charCodeAt(i - 1)
    if (c === C_LF || c === C_CR) break
    i--
  }
  return i
}

function hex4(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, '0')
}

/**
 * CPython 3.12's tokenizer (`Parser/tokenizer.c`), rule for rule, over the source text as it is:
 * `\n`, `\r\n` and a lone `\r` all end lines (CPython translates the latter two before tokenizing).
 */
class Scanner {
  /** The source with a line end appended when it lacks one, as CPython does for files and `exec` input. */
  private readonly s: string
  private readonly n: number
  /** The length of `source` (tokens end there at the latest). */
  private readonly sourceLength: number
  /** Also emit `COMMENT` and `NL` tokens. */
  private readonly trivia: boolean
  /** Skip the indentation and bracket checks. */
  private readonly tolerant: boolean
  private i = 0
  private atbol = true
  private pendin = 0
  private readonly indstack: number[] = [0]
  private readonly altindstack: number[] = [0]
  private level = 0
  private readonly parenChars: number[] = []
  private readonly parenOffsets: number[] = []
  private readonly modes: Mode[] = [plainMode()]
  /** Set when the last line read held only whitespace or a comment. */
  private blankline = false
  /** Set once ENDMARKER (or the end inside brackets) is emitted. */
  done = false
  unclosed: { bracket: string; offset: number } | undefined = undefined

  constructor(
    private readonly source: string,
    /** `source`, with a line end appended when it lacks one (see {@link withFinalNewline}). */
    s: string,
    readonly out: TokenBuffer,
    options: ScanOptions,
    from = 0,
  ) {
    this.s = s
    this.n = s.length
    this.sourceLength = source.length
    this.trivia = options.trivia
    this.tolerant = options.tolerant
    this.i = from
    if (from > 0) this.atbol = false
  }

  /** The line of `offset` for a message (not computed in tolerant scans, whose messages are dropped). */
  private lineAt(offset: number): number {
    return this.tolerant ? 0 : lineOf(this.source, Math.min(offset, this.source.length))
  }

  /**
   * Where CPython places the end of input: on the last line end (the one it appends to a source
   * without one is just past the end).
   */
  private eofOffset(): number {
    const n = this.source.length
    // Python's tokenize module puts the end after the last line instead.
    if (this.trivia) return n
    const last = this.source.charCodeAt(n - 1)
    if (last === C_LF) return this.source.charCodeAt(n - 2) === C_CR ? n - 2 : n - 1
    if (last === C_CR) return n - 1
    return n
  }

  /** The line CPython is on when it reaches the end of the input. */
  private eofLine(): number {
    const n = this.source.length
    const last = this.source.charCodeAt(n - 1)
    return this.lineAt(last === C_LF || last === C_CR ? n - 1 : n)
  }

  /** Scans to the end, or throws a {@link ScanError}. */
  run(): void {
    const modes = this.modes
    while (!this.done) {
      const mode = modes[modes.length - 1]!
      if (mode.fstring) this.fstringMode(mode)
      else this.normalMode(mode)
    }
  }

  private error(message: string, start: number, end = start + 1, resumeAt = end): ScanError {
    const n = this.source.length
    const s = Math.min(Math.max(0, start), n)
    return new ScanError(message, s, Math.min(Math.max(s, end), n), Math.max(resumeAt, start + 1))
  }

  private deferred(error: ScanError): ScanError {
    error.deferred = true
    return error
  }

  /** An error at CPython's cursor: the reported column is the character before `cur`. */
  private errorBefore(message: string, cur: number, end = cur): ScanError {
    const lineStart = lineStartOf(this.s, cur)
    const start = Math.max(lineStart, cur - 1)
    return this.error(message, start, Math.max(end, start + 1))
  }

  private emit(kind: number, start: number, end: number, nameId = -1): number {
    // only the line end appended to a source without one lies beyond the source
    const n = this.sourceLength
    const out = this.out
    const i = out.count
    if (i === out.capacity) out.grow()
    out.kinds[i] = kind
    out.starts[i] = start > n ? n : start
    out.ends[i] = end > n ? n : end
    out.nameIds[i] = nameId
    out.count = i + 1
    return i
  }

  private get mode(): Mode {
    return this.modes[this.modes.length - 1]!
  }

  /** Length of the line end at `i` (2 for `\r\n`, 1 for `\n` or `\r`), or 0. */
  private newlineAt(i: number): number {
    const c = this.s.charCodeAt(i)
    if (c === C_LF) return 1
    if (c === C_CR) return this.s.charCodeAt(i + 1) === C_LF ? 2 : 1
    return 0
  }

  /** After a backslash at `i - 1`: the offset after the line end it continues, or an error. */
  private continuation(i: number): number {
    const nl = this.newlineAt(i)
    if (nl === 0) throw this.deferred(this.error('unexpected character after line continuation character', i, i + 1))
    const after = i + nl
    if (after >= this.n) {
      if (this.level > 0) {
        const at = this.parenOffsets[this.level - 1]!
        throw this.deferred(this.error(`'${String.fromCharCode(this.parenChars[this.level - 1]!)}' was never closed`, at, at + 1))
      }
      throw this.deferred(this.error('unexpected EOF while parsing', this.eofOffset(), this.eofOffset()))
    }
    return after
  }

  private normalMode(mode: Mode): void {
    const s = this.s
    const n = this.n
    for (;;) {
      // nextline:
      this.blankline = false
      if (this.atbol) {
        this.atbol = false
        const lineStart = this.i
        let col = 0
        let altcol = 0
        let contLineCol = 0
        let i = this.i
        let c: number
        for (;;) {
          c = i < n ? s.charCodeAt(i) : -1
          if (c === C_SPACE) {
            col++
            altcol++
          } else if (c === C_TAB) {
            col = (Math.floor(col / TAB_SIZE) + 1) * TAB_SIZE
            altcol++
          } else if (c === C_FF) {
            col = altcol = 0
          } else if (c === C_BACKSLASH) {
            contLineCol = contLineCol || col
            i = this.continuation(i + 1) - 1
          } else break
          i++
        }
        this.i = i
        if (c === C_HASH || c === C_LF || c === C_CR) this.blankline = true
        if (!this.blankline && this.level === 0) {
          if (contLineCol) {
            col = contLineCol
            altcol = contLineCol
          }
          // A tolerant scan keeps going where CPython stops: it never raises indentation errors.
          const strict = !this.tolerant
          const top = this.indstack.length - 1
          if (col === this.indstack[top]) {
            if (strict && altcol !== this.altindstack[top]) throw this.tabError(i)
          } else if (col > this.indstack[top]!) {
            if (strict && top + 1 >= MAX_INDENT) throw this.deferred(this.error('too many levels of indentation', lineStart, i))
            if (strict && altcol <= this.altindstack[top]!) throw this.tabError(i)
            this.pendin++
            this.indstack.push(col)
            this.altindstack.push(altcol)
          } else {
            while (this.indstack.length > 1 && col < this.indstack[this.indstack.length - 1]!) {
              this.pendin--
              this.indstack.pop()
              this.altindstack.pop()
            }
            if (strict && col !== this.indstack[this.indstack.length - 1]) {
              // CPython points at the end of the line.
              let end = i
              while (end < n && s.charCodeAt(end) !== C_LF && s.charCodeAt(end) !== C_CR) end++
              throw this.deferred(this.error('unindent does not match any outer indentation level', end, end))
            }
            if (strict && altcol !== this.altindstack[this.altindstack.length - 1]) throw this.tabError(i)
          }
        }
        if (this.pendin !== 0) {
          if (this.pendin < 0) {
            this.pendin++
            const at = i >= n ? this.eofOffset() : i
            this.emit(Tok.DEDENT, at, at)
          } else {
            this.pendin--
            this.emit(Tok.INDENT, lineStartOf(s, i), i)
          }
          return
        }
      } else if (this.pendin !== 0) {
        if (this.pendin < 0) {
          this.pendin++
          const at = this.i >= n ? this.eofOffset() : this.i
          this.emit(Tok.DEDENT, at, at)
        } else {
          this.pendin--
          this.emit(Tok.INDENT, this.i, this.i)
        }
        return
      }
      // again:
      for (;;) {
        let i = this.i
        let c = i < n ? s.charCodeAt(i) : -1
        while (c === C_SPACE || c === C_TAB || c === C_FF) c = ++i < n ? s.charCodeAt(i) : -1
        const start = i
        if (c === C_HASH) {
          while (i < n && (c = s.charCodeAt(i)) !== C_LF && c !== C_CR) i++
          if (this.trivia) this.emit(Tok.COMMENT, start, i)
          c = i < n ? s.charCodeAt(i) : -1
        }
        this.i = i
        if (c === -1) {
          if (this.level > 0) {
            const at = this.level - 1
            this.unclosed = { bracket: String.fromCharCode(this.parenChars[at]!), offset: this.parenOffsets[at]! }
            this.emit(Tok.ERRORTOKEN, this.source.length, this.source.length)
          } else {
            this.emit(Tok.ENDMARKER, this.eofOffset(), this.eofOffset())
          }
          this.done = true
          return
        }
        if (c < 128 ? IS_IDENTIFIER_START[c] === 1 : true) {
          this.identifierOrString(start, c)
          return
        }
        if (c === C_LF || c === C_CR) {
          const end = i + this.newlineAt(i)
          this.i = end
          this.atbol = true
          if (this.blankline || this.level > 0) {
            if (this.trivia) this.emit(Tok.NL, i, end)
            break // goto nextline
          }
          this.emit(Tok.NEWLINE, i, end)
          return
        }
        if (c === C_DOT) {
          const c2 = s.charCodeAt(i + 1)
          if (isDigit(c2)) {
            this.number(start, i + 1, true)
            return
          }
          if (c2 === C_DOT && s.charCodeAt(i + 2) === C_DOT) {
            this.i = i + 3
            this.emit(Tok.ELLIPSIS, start, i + 3)
            return
          }
          this.i = i + 1
          this.emit(Tok.DOT, start, i + 1)
          return
        }
        if (isDigit(c)) {
          this.number(start, i, false)
          return
        }
        if (c === C_DQUOTE || c === C_SQUOTE) {
          this.string(start, i)
          return
        }
        if (c === C_BACKSLASH) {
          this.i = this.continuation(i + 1)
          continue // goto again
        }
        this.operator(mode, start, c)
        return
      }
    }
  }

  private tabError(at: number): ScanError {
    const lineStart = lineStartOf(this.s, at)
    return this.deferred(this.error('inconsistent use of tabs and spaces in indentation', lineStart, at))
  }

  private identifierOrString(start: number, first: number): void {
    const s = this.s
    const n = this.n
    let i = start
    let c = first
    if (c < 128 && IS_PREFIX_LETTER[c] === 1) {
      let sawB = false
      let sawR = false
      let sawU = false
      let sawF = false
      for (;;) {
        if (!(sawB || sawU || sawF) && (c === 98 || c === 66)) sawB = true
        else if (!(sawB || sawU || sawR || sawF) && (c === 117 || c === 85)) sawU = true
        else if (!(sawR || sawU) && (c === 114 || c === 82)) sawR = true
        else if (!(sawF || sawB || sawU) && (c === 102 || c === 70)) sawF = true
        else break
        c = ++i < n ? s.charCodeAt(i) : -1
        if (c === C_DQUOTE || c === C_SQUOTE) {
          if (sawF) this.fstringStart(start, i, sawR)
          else this.string(start, i)
          return
        }
      }
      // the prefix letters were part of a name: read it again from its start, for its hash
      i = start
    }
    let nonascii = false
    let hash = 0
    for (; i < n; i++) {
      c = s.charCodeAt(i)
      if (c < 128) {
        if (IS_IDENTIFIER_CHAR[c] === 0) break
        hash = (hash * 33 + c) & HASH_MASK
      } else {
        nonascii = true
      }
    }
    this.i = i
    if (nonascii) {
      let text = s.slice(start, i)
      try {
        this.verifyIdentifier(text, start)
      } catch (error) {
        if (error instanceof ScanError) {
          error.tokenStart = start
          error.resumeAt = Math.max(error.resumeAt, i)
        }
        throw error
      }
      text = text.normalize('NFKC')
      this.emit(Tok.NAME, start, i, this.out.internText(text))
      return
    }
    const length = i - start
    if (length >= 2 && length <= 8) {
      const keyword = keywordAt(s, start, length, hash)
      if (keyword !== -1) {
        this.emit(keyword, start, i, -1)
        return
      }
    }
    this.emit(Tok.NAME, start, i, this.out.internRange(s, start, i, hash))
  }

  /** PEP 3131: the first character is XID_Start or `_`, the others XID_Continue; else CPython's error. */
  private verifyIdentifier(text: string, start: number): void {
    const patterns = unicode()
    if (patterns.identifier.test(text)) return
    let offset = 0
    let first = true
    for (const ch of text) {
      const ok = first ? patterns.start.test(ch) : patterns.part.test(ch)
      if (!ok) {
        const cp = ch.codePointAt(0)!
        const at = start + offset
        const message = patterns.nonPrintable.test(ch) ? `invalid non-printable character U+${hex4(cp)}` : `invalid character '${ch}' (U+${hex4(cp)})`
        throw this.error(message, at, at + ch.length)
      }
      first = false
      offset += ch.length
    }
  }

  private numberEnd(c: number, at: number, kind: string, start: number): void {
    // CPython 3.12 warns (and goes on) when a keyword that may follow a number starts right after it;
    // any other ASCII identifier character there is an error.
    if (!(c >= 0 && c < 128) || IS_IDENTIFIER_CHAR[c] === 0) return
    const s = this.s
    let keyword = false
    if (c === 97) keyword = s.charCodeAt(at + 1) === 110 && s.charCodeAt(at + 2) === 100 && this.boundaryAt(at + 3) // and
    else if (c === 101) keyword = s.charCodeAt(at + 1) === 108 && s.charCodeAt(at + 2) === 115 && s.charCodeAt(at + 3) === 101 && this.boundaryAt(at + 4) // else
    else if (c === 102) keyword = s.charCodeAt(at + 1) === 111 && s.charCodeAt(at + 2) === 114 && this.boundaryAt(at + 3) // for
    else if (c === 105) keyword = s.charCodeAt(at + 1) === 102 || s.charCodeAt(at + 1) === 110 || s.charCodeAt(at + 1) === 115 // if in is
    else if (c === 111) keyword = s.charCodeAt(at + 1) === 114 && this.boundaryAt(at + 2) // or
    else if (c === 110) keyword = s.charCodeAt(at + 1) === 111 && s.charCodeAt(at + 2) === 116 && this.boundaryAt(at + 3) // not
    if (keyword) return
    let end = at
    while (end < this.n && isPotentialIdentifierChar(s.charCodeAt(end))) end++
    throw this.error(`invalid ${kind} literal`, Math.max(start, at - 1), end)
  }

  /** Whether no identifier character is at `at` (the end of a keyword right after a number). */
  private boundaryAt(at: number): boolean {
    return !isPotentialIdentifierChar(this.s.charCodeAt(at) || 0)
  }

  /** Digits with single underscores between them, from `i`; returns the offset after them. */
  private decimalTail(i: number, start: number): number {
    const s = this.s
    for (;;) {
      while (isDigit(s.charCodeAt(i))) i++
      if (s.charCodeAt(i) !== C_UNDERSCORE) return i
      i++
      if (!isDigit(s.charCodeAt(i))) throw this.errorBefore('invalid decimal literal', i, Math.max(i, start + 1))
    }
  }

  /** A number starting at `start`; `i` is where scanning goes on (after `.` for `.5`). */
  private number(start: number, i: number, fraction: boolean): void {
    try {
      this.numberToken(start, i, fraction)
    } catch (error) {
      if (error instanceof ScanError) {
        // For a tolerant scan, the whole malformed literal is one error token.
        let end = start
        while (end < this.n && (isPotentialIdentifierChar(this.s.charCodeAt(end)) || this.s.charCodeAt(end) === C_DOT)) end++
        error.tokenStart = start
        error.resumeAt = Math.max(error.resumeAt, end)
      }
      throw error
    }
  }

  private numberToken(start: number, i: number, fraction: boolean): void {
    const s = this.s
    let c: number
    if (fraction) {
      i = this.decimalTail(i, start)
      i = this.exponentAndImaginary(start, i)
    } else if (s.charCodeAt(i) === C_0) {
      c = s.charCodeAt(i + 1)
      if (c === 120 || c === 88 || c === 111 || c === 79 || c === 98 || c === 66) {
        const base = c | 32
        const kind = base === 120 ? 'hexadecimal' : base === 111 ? 'octal' : 'binary'
        const ok = base === 120 ? isHexDigit : base === 111 ? (d: number) => d >= C_0 && d <= C_7 : (d: number) => d === C_0 || d === C_1
        i += 2
        do {
          if (s.charCodeAt(i) === C_UNDERSCORE) i++
          c = s.charCodeAt(i)
          if (!ok(c)) {
            if (base !== 120 && isDigit(c)) throw this.error(`invalid digit '${String.fromCharCode(c)}' in ${kind} literal`, i, i + 1)
            throw this.errorBefore(`invalid ${kind} literal`, i)
          }
          while (ok(s.charCodeAt(i))) i++
        } while (s.charCodeAt(i) === C_UNDERSCORE)
        c = s.charCodeAt(i)
        if (base !== 120 && isDigit(c)) throw this.error(`invalid digit '${String.fromCharCode(c)}' in ${kind} literal`, i, i + 1)
        this.numberEnd(c, i, kind, start)
      } else {
        // 0, 00, 0_0, or a float or imaginary number starting with zeros
        let nonzero = false
        i++
        for (;;) {
          c = s.charCodeAt(i)
          if (c === C_UNDERSCORE) {
            i++
            if (!isDigit(s.charCodeAt(i))) throw this.errorBefore('invalid decimal literal', i)
            c = s.charCodeAt(i)
          }
          if (c !== C_0) break
          i++
        }
        const zerosEnd = i
        if (isDigit(c)) {
          nonzero = true
          i = this.decimalTail(i, start)
          c = s.charCodeAt(i)
        }
        if (c === C_DOT || c === 101 || c === 69 || c === 106 || c === 74) {
          if (c === C_DOT) i = this.fractionTail(i + 1, start)
          i = this.exponentAndImaginary(start, i)
        } else if (nonzero) {
          throw this.error('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', start, zerosEnd)
        } else {
          this.numberEnd(c, i, 'decimal', start)
        }
      }
    } else {
      i = this.decimalTail(i, start)
      c = s.charCodeAt(i)
      if (c === C_DOT) i = this.fractionTail(i + 1, start)
      i = this.exponentAndImaginary(start, i)
    }
    this.i = i
    this.emit(Tok.NUMBER, start, i)
  }

  private fractionTail(i: number, start: number): number {
    return isDigit(this.s.charCodeAt(i)) ? this.decimalTail(i, start) : i
  }

  /** An optional exponent and `j` after the digits that end at `i`; checks what follows. */
  private exponentAndImaginary(start: number, i: number): number {
    const s = this.s
    let c = s.charCodeAt(i)
    if (c === 101 || c === 69) {
      const e = i
      let j = i + 1
      c = s.charCodeAt(j)
      if (c === 43 || c === 45) {
        j++
        if (!isDigit(s.charCodeAt(j))) throw this.errorBefore('invalid decimal literal', j)
      } else if (!isDigit(c)) {
        this.numberEnd(s.charCodeAt(e), e, 'decimal', start)
        return e
      }
      i = this.decimalTail(j, start)
      c = s.charCodeAt(i)
    }
    if (c === 106 || c === 74) {
      i++
      this.numberEnd(s.charCodeAt(i), i, 'imaginary', start)
    } else {
      this.numberEnd(c, i, 'decimal', start)
    }
    return i
  }

  /** A string literal whose prefix starts at `start` and whose first quote is at `q`. */
  private string(start: number, q: number): void {
    const s = this.s
    const n = this.n
    const quote = s.charCodeAt(q)
    let quoteSize = 1
    let endQuoteSize = 0
    let i = q + 1
    if (s.charCodeAt(i) === quote) {
      if (s.charCodeAt(i + 1) === quote) {
        quoteSize = 3
        i += 2
      } else {
        endQuoteSize = 1
        i++
      }
    }
    while (endQuoteSize !== quoteSize) {
      const c = i < n ? s.charCodeAt(i) : -1
      if (c === -1 || (quoteSize === 1 && (c === C_LF || c === C_CR))) {
        this.unterminatedString(start, quote, quoteSize, c === -1 ? this.source.length : i)
      }
      i++
      if (c === quote) {
        endQuoteSize++
      } else {
        endQuoteSize = 0
        if (c === C_BACKSLASH && i < n) i += s.charCodeAt(i) === C_CR && s.charCodeAt(i + 1) === C_LF ? 2 : 1
      }
    }
    this.i = i
    this.emit(Tok.STRING, start, i)
  }

  private unterminatedString(start: number, quote: number, quoteSize: number, detectedAt: number): never {
    const line = detectedAt >= this.source.length ? this.eofLine() : this.lineAt(detectedAt)
    const resumeAt = quoteSize === 3 ? this.n : detectedAt
    const fmode = this.modes.length > 1 ? this.mode : undefined
    if (fmode && fmode.quote === quote && fmode.quoteSize === quoteSize) {
      throw this.error("f-string: expecting '}'", start, start + 1, resumeAt)
    }
    if (quoteSize === 3) {
      throw this.error(`unterminated triple-quoted string literal (detected at line ${line})`, start, start + 1, resumeAt)
    }
    throw this.error(`unterminated string literal (detected at line ${line})`, start, start + 1, resumeAt)
  }

  private fstringStart(start: number, q: number, raw: boolean): void {
    const s = this.s
    const quote = s.charCodeAt(q)
    let quoteSize = 1
    let i = q + 1
    if (s.charCodeAt(i) === quote && s.charCodeAt(i + 1) === quote) {
      quoteSize = 3
      i += 2
    }
    this.i = i
    if (this.modes.length >= MAX_FSTRING_LEVEL) throw this.errorBefore('too many nested f-strings', i)
    this.modes.push({ fstring: true, quote, quoteSize, start, raw, curlyDepth: 0, exprStartDepth: -1, inFormatSpec: false, debug: false, exprStart: -1, exprEnd: -1 })
    this.emit(Tok.FSTRING_START, start, i)
  }

  /** `_PyLexer_update_fstring_expr`: `{` starts a field's text; `!`, `:` and `}` end it (once). */
  private updateFstringExpr(mode: Mode, c: number, at: number): void {
    if (c === C_LBRACE) {
      mode.exprStart = at + 1
      mode.exprEnd = -1
    } else if (mode.exprEnd === -1) {
      mode.exprEnd = at
    }
  }

  /** The text CPython repeats for `{expr=}`: the field's source up to its end, comments removed. */
  private debugText(mode: Mode): string {
    // CPython drops line continuations from the text.
    const text = this.s.slice(mode.exprStart, mode.exprEnd).replace(/\\(\r\n|\r|\n)/g, '').replace(/\r\n?/g, '\n')
    if (!text.includes('#')) return text
    let result = ''
    for (let k = 0; k < text.length; k++) {
      if (text[k] === '#') {
        while (k < text.length && text[k] !== '\n') k++
        if (k < text.length) result += '\n'
      } else {
        result += text[k]
      }
    }
    return result
  }

  private operator(mode: Mode, start: number, c: number): void {
    const s = this.s
    const inFstring = this.modes.length > 1
    if ((c === C_COLON || c === C_RBRACE || c === C_BANG || c === C_LBRACE) && inFstring && mode.exprStartDepth >= 0) {
      const cursor = mode.curlyDepth - (c !== C_LBRACE ? 1 : 0)
      const cursorValid = cursor === 0 || (cursor === 1 && (mode.debug || mode.inFormatSpec))
      if (cursorValid) this.updateFstringExpr(mode, c, start)
      if (cursorValid && c !== C_LBRACE && mode.debug) {
        this.pendingDebugText = this.debugText(mode)
      }
      if (c === C_COLON && cursor === mode.exprStartDepth) {
        mode.fstring = true
        mode.inFormatSpec = true
        this.i = start + 1
        this.emitWithDebug(Tok.COLON, start, start + 1)
        return
      }
    }
    const two = STARTS_PAIR[c] === 1 ? twoChars(c, s.charCodeAt(start + 1)) : -1
    if (two !== -1) {
      const three = threeChars(two, s.charCodeAt(start + 2))
      const end = start + (three !== -1 ? 3 : 2)
      this.i = end
      this.emitWithDebug(three !== -1 ? three : two, start, end)
      return
    }
    switch (c) {
      case C_LPAR:
      case C_LSQB:
      case C_LBRACE:
        if (this.level >= MAX_BRACKET_LEVEL) throw this.error('too many nested parentheses', start, start + 1)
        this.parenChars[this.level] = c
        this.parenOffsets[this.level] = start
        this.level++
        if (inFstring) mode.curlyDepth++
        break
      case C_RPAR:
      case C_RSQB:
      case C_RBRACE: {
        if (this.tolerant) {
          if (this.level > 0) this.level--
          if (inFstring && mode.curlyDepth > 0) this.closeFstringBracket(mode, c)
          break
        }
        if (inFstring && mode.curlyDepth === 0 && c === C_RBRACE) throw this.error("f-string: single '}' is not allowed", start, start + 1)
        if (this.level === 0) throw this.error(`unmatched '${String.fromCharCode(c)}'`, start, start + 1)
        this.level--
        const opening = this.parenChars[this.level]!
        if (!((opening === C_LPAR && c === C_RPAR) || (opening === C_LSQB && c === C_RSQB) || (opening === C_LBRACE && c === C_RBRACE))) {
          if (inFstring && opening === C_LBRACE && mode.curlyDepth - 1 === mode.exprStartDepth) {
            throw this.error(`f-string: unmatched '${String.fromCharCode(c)}'`, start, start + 1)
          }
          const openLine = this.lineAt(this.parenOffsets[this.level]!)
          const here = this.lineAt(start)
          const where = openLine !== here ? ` on line ${openLine}` : ''
          throw this.error(`closing parenthesis '${String.fromCharCode(c)}' does not match opening parenthesis '${String.fromCharCode(opening)}'${where}`, start, start + 1)
        }
        if (inFstring) this.closeFstringBracket(mode, c)
        break
      }
      default:
        break
    }
    if (c < 32 || c === 127) {
      throw this.error(`invalid non-printable character U+${hex4(c)}`, start, start + 1)
    }
    if (c === C_EQUAL && mode.exprStartDepth >= 0) mode.debug = true
    this.i = start + 1
    this.emitWithDebug(ONE_CHAR[c] ?? Tok.OP, start, start + 1)
  }

  private closeFstringBracket(mode: Mode, c: number): void {
    mode.curlyDepth--
    if (mode.curlyDepth < 0) throw this.error(`f-string: unmatched '${String.fromCharCode(c)}'`, this.i, this.i + 1)
    if (c === C_RBRACE && mode.curlyDepth === mode.exprStartDepth) {
      // Back to the literal text; a format spec that held this field goes on (CPython 3.12 keeps
      // `in_format_spec` until the spec's own closing brace).
      mode.exprStartDepth--
      mode.fstring = true
      mode.debug = false
    }
  }

  private pendingDebugText: string | undefined = undefined

  private emitWithDebug(kind: number, start: number, end: number): void {
    const index = this.emit(kind, start, end)
    if (this.pendingDebugText !== undefined) {
      this.out.debugTexts.set(index, this.pendingDebugText)
      this.pendingDebugText = undefined
    }
  }

  /** CPython's `tok_get_fstring_mode`: the literal text of an f-string up to a field or its end. */
  private fstringMode(mode: Mode): void {
    const s = this.s
    const n = this.n
    const start = this.i
    let i = start
    if (s.charCodeAt(i) === C_LBRACE && s.charCodeAt(i + 1) !== C_LBRACE) {
      mode.exprStartDepth++
      if (mode.exprStartDepth >= MAX_EXPR_NESTING) throw this.errorBefore('f-string: expressions nested too deeply', i)
      mode.fstring = false
      this.normalMode(mode)
      return
    }
    let atEnd = true
    for (let k = 0; k < mode.quoteSize; k++) {
      if (s.charCodeAt(i + k) !== mode.quote) {
        atEnd = false
        break
      }
    }
    if (atEnd) {
      i += mode.quoteSize
      this.i = i
      this.modes.pop()
      this.emit(Tok.FSTRING_END, start, i)
      return
    }
    let endQuoteSize = 0
    let unicodeEscape = false
    while (endQuoteSize !== mode.quoteSize) {
      const c = i < n ? s.charCodeAt(i) : -1
      const inFormatSpec = mode.inFormatSpec && mode.exprStartDepth >= 0
      if (c === -1 || (mode.quoteSize === 1 && (c === C_LF || c === C_CR))) {
        if (inFormatSpec && c !== -1) {
          this.i = i
          mode.fstring = false
          mode.inFormatSpec = false
          this.emit(Tok.FSTRING_MIDDLE, start, i)
          return
        }
        const line = c === -1 ? this.eofLine() : this.lineAt(i)
        const message = mode.quoteSize === 3 ? `unterminated triple-quoted f-string literal (detected at line ${line})` : `unterminated f-string literal (detected at line ${line})`
        throw this.error(message, mode.start, mode.start + 1, mode.quoteSize === 3 ? n : i)
      }
      i++
      if (c === mode.quote) {
        endQuoteSize++
        continue
      }
      endQuoteSize = 0
      if (c === C_LBRACE) {
        this.updateFstringExpr(mode, c, i - 1)
        if (s.charCodeAt(i) !== C_LBRACE || inFormatSpec) {
          i--
          mode.exprStartDepth++
          if (mode.exprStartDepth >= MAX_EXPR_NESTING) throw this.errorBefore('f-string: expressions nested too deeply', i)
          mode.fstring = false
          this.i = i
          this.emit(Tok.FSTRING_MIDDLE, start, i)
        } else {
          // A doubled brace: the token covers both, its text holds one (see fstringMiddleText).
          this.i = i + 1
          this.emit(Tok.FSTRING_MIDDLE, start, i + 1)
        }
        return
      }
      if (c === C_RBRACE) {
        if (unicodeEscape) {
          this.i = i
          this.emit(Tok.FSTRING_MIDDLE, start, i)
          return
        }
        if (s.charCodeAt(i) === C_RBRACE && !inFormatSpec && mode.curlyDepth === 0) {
          this.i = i + 1
          this.emit(Tok.FSTRING_MIDDLE, start, i + 1)
        } else {
          i--
          mode.fstring = false
          mode.inFormatSpec = false
          this.i = i
          this.emit(Tok.FSTRING_MIDDLE, start, i)
        }
        return
      }
      if (c === C_BACKSLASH) {
        let peek = s.charCodeAt(i)
        if (peek === C_CR) {
          i++
          peek = s.charCodeAt(i)
          if (peek !== C_LF) continue
        }
        if (peek === C_LBRACE || peek === C_RBRACE) continue
        if (i < n) i++
        if (!mode.raw && peek === 78 && s.charCodeAt(i) === C_LBRACE) {
          i++
          unicodeEscape = true
        }
      }
    }
    // Found the closing quotes: the text before them is the last middle part.
    i -= mode.quoteSize
    this.i = i
    this.emit(Tok.FSTRING_MIDDLE, start, i)
  }
}

/**
 * The literal text of an `FSTRING_MIDDLE` token. A token that ends in a doubled brace (`{{`, `}}`)
 * covers both braces, as CPython's positions do, but its text holds one.
 */
export function fstringMiddleText(source: string, start: number, end: number): string {
  const last = source.charCodeAt(end - 1)
  if (end - start >= 2 && (last === C_LBRACE || last === C_RBRACE) && source.charCodeAt(end - 2) === last) return source.slice(start, end - 1)
  return source.slice(start, end)
}

function checkSource(source: string): void {
  if (source.length > limits.maxSourceChars) {
    throw new NnsizeError('limit', `The input is ${source.length.toLocaleString('en-US')} characters long; the limit is ${limits.maxSourceChars.toLocaleString('en-US')}.`, {
      span: { start: limits.maxSourceChars, end: source.length },
    })
  }
}

function toStream(source: string, out: TokenBuffer, unclosed: TokenStream['unclosed']): TokenStream {
  return {
    source,
    count: out.count,
    kinds: out.kinds,
    starts: out.starts,
    ends: out.ends,
    nameIds: out.nameIds,
    names: out.names,
    debugTexts: out.debugTexts,
    unclosed,
  }
}

/** CPython appends a line end to input that lacks one before tokenizing it. */
function withFinalNewline(source: string): string {
  const last = source.charCodeAt(source.length - 1)
  return source.length > 0 && last !== C_LF && last !== C_CR ? source + '\n' : source
}

/** A byte order mark at the very start is skipped, as when Python reads a file. */
function firstOffset(source: string): number {
  return source.charCodeAt(0) === 0xfeff ? 1 : 0
}

/**
 * Splits Python source into the tokens the parser reads (no comments, no `NL`), with CPython 3.12's
 * lexical rules and error messages. Throws {@link NnsizeError} with code `syntax` at the first
 * lexical error, or `limit` for a source longer than `limits.maxSourceChars`.
 */
export function tokenize(source: string): TokenStream {
  const stream = scan(source)
  if (stream.error) throw stream.error
  return stream
}

/**
 * The tokens up to the first lexical error, and that error: the stream then ends with an
 * `ERRORTOKEN` where the error is. CPython's parser meets a lexical error only when it reads that
 * far, and an earlier "unexpected indent" wins; the parser uses this to do the same.
 */
export function scan(source: string): TokenStream & { readonly error: NnsizeError | undefined; readonly errorDeferred: boolean } {
  checkSource(source)
  const nul = source.indexOf('\0')
  if (nul !== -1) throw new NnsizeError('syntax', 'source code string cannot contain null bytes', { span: { start: nul, end: nul + 1 } })
  const out = new TokenBuffer(Math.max(16, source.length >> 2))
  const scanner = new Scanner(source, withFinalNewline(source), out, { trivia: false, tolerant: false }, firstOffset(source))
  try {
    scanner.run()
  } catch (error) {
    if (!(error instanceof ScanError)) throw error
    const lexical = new NnsizeError('syntax', error.message, { span: { start: error.start, end: error.end } })
    out.push(Tok.ERRORTOKEN, error.start, error.start, -1)
    return { ...toStream(source, out, undefined), error: lexical, errorDeferred: error.deferred }
  }
  return { ...toStream(source, out, scanner.unclosed), error: undefined, errorDeferred: false }
}

/** Colouring classes of {@link HighlightToken}. */
export type HighlightKind =
  | 'keyword'
  | 'soft-keyword'
  | 'constant'
  | 'name'
  | 'number'
  | 'string'
  | 'fstring-start'
  | 'fstring-middle'
  | 'fstring-end'
  | 'comment'
  | 'operator'
  | 'bracket'
  | 'newline'
  | 'error'

/** A token for syntax highlighting: what it is and where. Whitespace between tokens is not listed. */
export interface HighlightToken {
  kind: HighlightKind
  start: number
  end: number
}

function highlightKind(kind: number, source: string, start: number, end: number, previous: number, nextKind: number): HighlightKind {
  if (kind >= FIRST_KEYWORD) return kind === Tok.TRUE || kind === Tok.FALSE || kind === Tok.NONE ? 'constant' : 'keyword'
  switch (kind) {
    case Tok.NAME: {
      const text = source.slice(start, end)
      // A soft keyword starts a statement and is followed by something that is not an operator.
      if (SOFT_KEYWORDS.has(text) && text !== '_' && (previous === -1 || previous === Tok.NEWLINE || previous === Tok.INDENT || previous === Tok.DEDENT || previous === Tok.NL || previous === Tok.SEMI || previous === Tok.COMMENT)) {
        if (nextKind === Tok.NAME || nextKind === Tok.NUMBER || nextKind === Tok.STRING || nextKind === Tok.FSTRING_START || nextKind === Tok.LSQB || nextKind === Tok.LBRACE || nextKind === Tok.LPAR || nextKind === Tok.MINUS || nextKind === Tok.TILDE || nextKind === Tok.STAR || nextKind >= FIRST_KEYWORD) {
          return 'soft-keyword'
        }
      }
      return 'name'
    }
    case Tok.NUMBER: return 'number'
    case Tok.STRING: return 'string'
    case Tok.FSTRING_START: return 'fstring-start'
    case Tok.FSTRING_MIDDLE: return 'fstring-middle'
    case Tok.FSTRING_END: return 'fstring-end'
    case Tok.COMMENT: return 'comment'
    case Tok.NEWLINE:
    case Tok.NL: return 'newline'
    case Tok.ERRORTOKEN:
    case Tok.OP: return 'error'
    case Tok.LPAR:
    case Tok.RPAR:
    case Tok.LSQB:
    case Tok.RSQB:
    case Tok.LBRACE:
    case Tok.RBRACE: return 'bracket'
    default: return 'operator'
  }
}

/**
 * Every token of the source with its position, comments and non-logical line ends included, for
 * tools (and tests) that compare with Python's `tokenize` module. Skips indentation checks and
 * never throws: a lexical error becomes an `ERRORTOKEN` and scanning resumes after it.
 */
export function tokenizeAll(source: string): TokenStream {
  const text = source.length > limits.maxSourceChars ? source.slice(0, limits.maxSourceChars) : source
  const out = new TokenBuffer(Math.max(16, text.length >> 2))
  let from = firstOffset(text)
  let unclosed: TokenStream['unclosed'] = undefined
  const s = withFinalNewline(text)
  for (;;) {
    const scanner = new Scanner(text, s, out, { trivia: true, tolerant: true }, from)
    try {
      scanner.run()
      unclosed = scanner.unclosed
      break
    } catch (error) {
      if (!(error instanceof ScanError)) throw error
      // The error token replaces the tokens of the malformed part (an f-string's pieces, say).
      const start = Math.min(error.start, error.tokenStart)
      while (out.count > 0 && out.ends[out.count - 1]! > start) out.count--
      const end = Math.max(error.end, Math.min(error.resumeAt, text.length))
      out.push(Tok.ERRORTOKEN, start, end, -1)
      from = Math.max(error.resumeAt, end, from + 1)
      if (from >= text.length) {
        out.push(Tok.ENDMARKER, text.length, text.length, -1)
        break
      }
    }
  }
  return toStream(text, out, unclosed)
}

/**
 * Tokens for colouring source text: keywords, soft keywords, names, numbers, strings and f-string
 * parts, comments, operators, brackets, line ends and errors, with offsets. Never throws; text
 * beyond `limits.maxSourceChars` is not listed.
 */
export function highlightTokens(source: string): HighlightToken[] {
  const stream = tokenizeAll(source)
  const tokens: HighlightToken[] = []
  let previous = -1
  for (let k = 0; k < stream.count; k++) {
    const kind = stream.kinds[k]!
    const start = stream.starts[k]!
    const end = stream.ends[k]!
    if (kind === Tok.ENDMARKER || kind === Tok.INDENT || kind === Tok.DEDENT || (kind === Tok.FSTRING_MIDDLE && start === end)) continue
    if (kind === Tok.ERRORTOKEN && start === end) continue
    let nextKind = -1
    for (let j = k + 1; j < stream.count; j++) {
      const kj = stream.kinds[j]!
      if (kj !== Tok.COMMENT) {
        nextKind = kj
        break
      }
    }
    tokens.push({ kind: highlightKind(kind, stream.source, start, end, previous, nextKind), start, end })
    if (kind !== Tok.COMMENT) previous = kind
  }
  return tokens
}
