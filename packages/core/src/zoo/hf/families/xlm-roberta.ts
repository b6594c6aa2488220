import { bertLike } from './bert.js'

/**
 * XLM-RoBERTa (`XLMRobertaConfig`: BERT's defaults, vocabulary 30522 unless the config says — the published
 * checkpoints have 250002): RoBERTa's modules, with the head registered before the encoder (`lm_head.*` and
 * `classifier.*` come first in `named_parameters()`, and a tied word-embedding matrix is first named
 * `lm_head.decoder.weight`).
 */
export const xlmRoberta = bertLike({ name: 'XLM-RoBERTa', cls: 'XLMRoberta', modelTypes: ['xlm-roberta'], prefix: 'roberta', vocab: 30522, mlmHead: 'roberta', headFirst: true })
