import type { SourceSpan } from '../errors.js'

/**
 * Where a token or node is in the source: character offsets, as in {@link SourceSpan}. They are two
 * numbers rather than a span object because a long input has hundreds of thousands of nodes.
 */
export interface Offsets {
  /** Offset of the first character. */
  start: number
  /** Offset one past the last character. */
  end: number
}

/** The span of a token or node, as errors carry it. */
export function spanOf(node: Offsets): SourceSpan {
  return { start: node.start, end: node.end }
}

/** Node types of the expression language, a safe subset of Python. */
export type Expr = Offsets &
  (
    | { type: 'int'; value: bigint }
    | { type: 'float'; value: number }
    | { type: 'str'; value: string }
    | { type: 'bool'; value: boolean }
    | { type: 'none' }
    | { type: 'name'; name: string }
    /** The attribute's name runs from `nameStart` to the node's end. */
    | { type: 'attribute'; object: Expr; name: string; nameStart: number }
    | { type: 'call'; callee: Expr; args: CallArg[] }
    | { type: 'tuple'; items: Expr[] }
    | { type: 'list'; items: Expr[] }
    | { type: 'dict'; entries: Array<{ key: Expr; value: Expr }> }
    /** The loop variable's name starts at `targetStart`. */
    | { type: 'listcomp'; element: Expr; target: string; targetStart: number; iterable: Expr }
    | { type: 'unary'; op: '-' | '+'; operand: Expr }
    | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr }
    | { type: 'subscript'; object: Expr; index: Expr }
  )

/** Arithmetic operators the language evaluates. */
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**'

/**
 * One argument of a call. A positional argument is its expression; keyword (its name starts the argument),
 * `*iterable` and `**mapping` arguments wrap theirs.
 */
export type CallArg = Expr | NamedOrUnpackedArg

/** A keyword, `*iterable` or `**mapping` argument. */
export type NamedOrUnpackedArg = Offsets &
  (
    | { type: 'keyword'; name: string; value: Expr }
    | { type: 'star'; value: Expr }
    | { type: 'double-star'; value: Expr }
  )

/** A statement: `name = expr` (the name starts the statement) or a bare expression. */
export type Statement = Offsets & ({ type: 'assign'; target: string; value: Expr } | { type: 'expr'; value: Expr })

/** A whole parsed source text. */
export interface Program {
  statements: Statement[]
}
