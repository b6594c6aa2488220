import type { SourceSpan } from '../errors.js'

/** Node types of the expression language, a safe subset of Python. */
export type Expr =
  | { type: 'int'; value: bigint; span: SourceSpan }
  | { type: 'float'; value: number; span: SourceSpan }
  | { type: 'str'; value: string; span: SourceSpan }
  | { type: 'bool'; value: boolean; span: SourceSpan }
  | { type: 'none'; span: SourceSpan }
  | { type: 'name'; name: string; span: SourceSpan }
  | { type: 'attribute'; object: Expr; name: string; nameSpan: SourceSpan; span: SourceSpan }
  | { type: 'call'; callee: Expr; args: CallArg[]; span: SourceSpan }
  | { type: 'tuple'; items: Expr[]; span: SourceSpan }
  | { type: 'list'; items: Expr[]; span: SourceSpan }
  | { type: 'dict'; entries: Array<{ key: Expr; value: Expr }>; span: SourceSpan }
  | { type: 'listcomp'; element: Expr; target: string; targetSpan: SourceSpan; iterable: Expr; span: SourceSpan }
  | { type: 'unary'; op: '-' | '+'; operand: Expr; span: SourceSpan }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: SourceSpan }
  | { type: 'subscript'; object: Expr; index: Expr; span: SourceSpan }

/** Arithmetic operators the language evaluates. */
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**'

/** One argument of a call: positional, keyword, `*iterable` or `**mapping`. */
export type CallArg =
  | { kind: 'positional'; value: Expr; span: SourceSpan }
  | { kind: 'keyword'; name: string; nameSpan: SourceSpan; value: Expr; span: SourceSpan }
  | { kind: 'star'; value: Expr; span: SourceSpan }
  | { kind: 'double-star'; value: Expr; span: SourceSpan }

/** A statement: `name = expr` or a bare expression. */
export type Statement =
  | { type: 'assign'; target: string; targetSpan: SourceSpan; value: Expr; span: SourceSpan }
  | { type: 'expr'; value: Expr; span: SourceSpan }

/** A whole parsed source text. */
export interface Program {
  statements: Statement[]
}
