/**
 * The model collections — torchvision builders, the Hugging Face catalogue and config families — and the full
 * analysis that uses them: loaded after the first answer, so that the JavaScript the page needs before it can
 * answer an expression stays small.
 */
export { analyze, catalogue, models } from '@nnsize/core'
