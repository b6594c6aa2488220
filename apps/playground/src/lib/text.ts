/** A piece of a message: plain text, or a name or value the message quotes in backticks. */
export interface MessagePart {
  text: string
  code: boolean
}

/**
 * Splits a core message at its backticks so names and values can be drawn as code without
 * ever treating the message as markup: "`nn` has no attribute `Conv2D`." → text and code parts.
 */
export function messageParts(message: string): MessagePart[] {
  const parts: MessagePart[] = []
  const pieces = message.split('`')
  // An odd number of backticks leaves the last one literal.
  const closed = pieces.length % 2 === 1 ? pieces.length : pieces.length - 1
  for (let i = 0; i < pieces.length; i++) {
    const text = i === closed ? `\`${pieces[i]}` : pieces[i]!
    if (text !== '') parts.push({ text, code: i % 2 === 1 && i < closed })
  }
  return parts
}
