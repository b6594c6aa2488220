export { syntaxTokens } from './tokens.js'
export type { SyntaxToken, SyntaxTokenKind } from './tokens.js'
