import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { buildModule } from '../../analyze.js'
import { errorOf } from '../../../test/support.js'
import { globMatch, listModels, listModules, parseModelName, pretrainedCfgs, supportedModels } from './create-model.js'

const params = (source: string): number => Number(analyze(source).params.total)

describe('timm.create_model', () => {
  it('builds a model by name, with its default pretrained configuration', () => {
    expect(params("timm.create_model('resnet50')")).toBe(25557032)
    expect(params("timm.create_model('vit_base_patch16_224')")).toBe(86567656)
    expect(analyze("timm.create_model('resnet50')").module).toBe('ResNet')
  })
  it('takes the classifier size and input size of a pretrained tag (in22k weights have 21,843 classes)', () => {
    expect(params("timm.create_model('vit_base_patch16_224.augreg_in21k')")).toBe(102595923)
    expect(params("timm.create_model('swin_tiny_patch4_window7_224.ms_in22k')")).toBe(44315083)
    expect(params("timm.create_model('vit_base_patch16_224', pretrained_cfg='augreg_in21k')")).toBe(102595923)
    // DINOv2's only tag has no classifier and a fixed 518×518 input.
    expect(analyze("timm.create_model('vit_small_patch14_dinov2')").tensors.find((t) => t.name === 'pos_embed')!.shape).toEqual([1, 1370, 384])
  })
  it('reads hf-hub names as the model and tag they name', () => {
    expect(params("timm.create_model('hf-hub:timm/resnet50.a1_in1k')")).toBe(25557032)
    expect(params("timm.create_model('hf_hub:timm/vit_base_patch16_224.augreg_in21k')")).toBe(102595923)
    expect(errorOf(() => parseModelName('hf-hub:someone/model')).message).toMatch(/^`someone\/model` is not a timm repository nnsize knows/)
  })
  it('maps names timm renamed to the model and tag they now mean', () => {
    expect(parseModelName('convnext_tiny_in22ft1k')).toEqual({ model: 'convnext_tiny', tag: 'fb_in22k_ft_in1k' })
    expect(params("timm.create_model('convnext_tiny_in22ft1k')")).toBe(28589128)
  })
  it('passes keyword arguments to the model class, over the pretrained configuration', () => {
    expect(params("timm.create_model('resnet50', num_classes=10, in_chans=1, global_pool='catavgmax')")).toBe(23542730)
    expect(params("timm.create_model('convnext_tiny', num_classes=0)")).toBe(27820128)
    expect(params("timm.create_model('vit_base_patch16_224', img_size=384)")).toBe(86859496)
    const dropped = analyze("timm.create_model('efficientnet_b0', drop_rate=0.3, drop_path_rate=0.2)")
    expect(Number(dropped.params.total)).toBe(5288548)
    expect(dropped.modules.some((m) => m.type === 'DropPath')).toBe(true)
  })
  it("takes the class keywords timm 1.0.29's classes take (parameter counts measured with timm 1.0.29)", () => {
    expect(params("timm.create_model('beit_base_patch16_224', global_pool='avg')")).toBe(86530984)
    expect(params("timm.create_model('eva02_tiny_patch14_224', global_pool='token', num_classes=0)")).toBe(5502144)
    expect(params("timm.create_model('eva02_tiny_patch14_224', class_token=False, num_reg_tokens=2)")).toBe(5502528)
    expect(params("timm.create_model('swin_tiny_patch4_window7_224', global_pool='')")).toBe(28288354)
    expect(params("timm.create_model('swin_tiny_patch4_window7_224', qkv_bias=False)")).toBe(28275106)
    expect(params("timm.create_model('swin_tiny_patch4_window7_224', head_dim=16, always_partition=True, img_size=96, strict_img_size=False)")).toBe(23968642)
    expect(params("timm.create_model('cait_xxs24_224', embed_dim=96, num_heads=2)")).toBe(3103048)
    expect(params("timm.create_model('convnext_atto', kernel_sizes=3)")).toBe(3621920)
    expect(params("timm.create_model('convnext_atto', kernel_sizes=(3, 5, 7, 9), act_layer='silu', norm_layer='rmsnorm')")).toBe(3706480)
    expect(params("timm.create_model('resnet18', channels=(32, 64, 128, 256))")).toBe(3071976)
    expect(params("timm.create_model('vit_tiny_patch16_224', norm_layer='rmsnorm', act_layer='silu')")).toBe(5712616)
    expect(params("timm.create_model('mixer_s16_224', global_pool='', stem_norm=True)")).toBe(18529288)
  })
  it('makes the parameters and float buffers in the dtype given (dtype=torch.bfloat16)', () => {
    const bf16 = analyze("timm.create_model('resnet18', dtype=torch.bfloat16, device='meta')")
    expect([Number(bf16.params.total), Number(bf16.params.bytes)]).toEqual([11689512, 2 * 11689512])
    expect(new Set(bf16.tensors.map((t) => t.dtype))).toEqual(new Set(['bfloat16', 'int64']))
  })
  it('builds the act_layer and norm_layer given by name or class, and runs them (bytes saved measured with PyTorch 2.13)', () => {
    const saved = (source: string): number => Number(analyze(source, { input: '2,3,64,64', device: 'cpu' }).forward!.savedBytes)
    expect(saved("timm.create_model('resnet18', act_layer='silu', norm_layer='groupnorm', num_classes=10)")).toBe(5027840)
    expect(saved("timm.create_model('vit_tiny_patch16_224', img_size=64, norm_layer='rmsnorm', act_layer='silu', num_classes=10)")).toBe(5726824)
    expect(saved("timm.create_model('efficientnet_b0', act_layer='relu', norm_layer='groupnorm1', num_classes=10)")).toBe(10463984)
    expect(saved("timm.create_model('convnext_atto', kernel_sizes=(3, 5, 7, 9), act_layer='silu', norm_layer='rmsnorm', num_classes=10)")).toBe(5670856)
  })
  it('refuses what timm refuses', () => {
    expect(errorOf(() => buildModule("timm.create_model('efficientnet_b0_gn', norm_layer='groupnorm1')")).message).toMatch(/got multiple values for keyword argument 'norm_layer'/)
    expect(errorOf(() => buildModule("timm.create_model('resnet18', aa_layer='avg')")).message).toMatch(/issubclass\(\) arg 1 must be a class/)
    expect(errorOf(() => buildModule("timm.create_model('resnet50', act_layer=nn.GELU)")).message).toMatch(/GELU.__init__\(\) got an unexpected keyword argument 'inplace'/)
    expect(errorOf(() => buildModule("timm.create_model('resnet18', dtype=torch.int64)")).message).toMatch(/must be a floating dtype/)
    expect(errorOf(() => buildModule("timm.create_model('mixer_s16_224', embed_dim=256)")).message).toMatch(/got multiple values for keyword argument 'embed_dim'/)
  })
  it('treats pretrained=True as the same structure: nothing is downloaded', () => {
    expect(params("timm.create_model('resnet18', pretrained=True)")).toBe(params("timm.create_model('resnet18')"))
    expect(params("timm.models.create_model('resnet18', True, num_classes=5)")).toBe(11179077)
  })
  it('suggests supported names for an unknown one', () => {
    const e = errorOf(() => buildModule("timm.create_model('resnet51')"))
    expect(e.code).toBe('unknown-model')
    expect(e.message).toMatch(/^`resnet51` is not a timm model nnsize builds\. Did you mean .*`resnet50`/)
    expect(e.suggestions).toContain('resnet50')
  })
  it('lists the tags of a model for an unknown tag', () => {
    const e = errorOf(() => buildModule("timm.create_model('resnet18.a1_in22k')"))
    expect(e.message).toMatch(/^Invalid pretrained tag `a1_in22k` for `resnet18`\. Did you mean `a1_in1k`\? Its tags are `a1_in1k`, /)
  })
  it('rejects what it cannot model, saying why', () => {
    expect(errorOf(() => buildModule("timm.create_model('resnet50', features_only=True)")).message).toMatch(/feature extraction wrappers/)
    expect(errorOf(() => buildModule("timm.create_model('resnet50', num_class=10)")).message).toMatch(/has no argument `num_class`\. Did you mean `num_classes`\?/)
    expect(errorOf(() => buildModule("timm.create_model('timm/resnet50')")).message).toMatch(/looks like a Hugging Face Hub repo id/)
    expect(errorOf(() => buildModule("timm.create_model('local-dir:/models/x')")).message).toMatch(/reads no files/)
    expect(errorOf(() => buildModule("timm.create_model('resnet50', drop_rate=1.5)")).message).toBe('`drop_rate` must be between 0 and 1, got 1.5.')
    expect(errorOf(() => buildModule("timm.create_model('efficientnet_b1_pruned')")).code).toBe('unknown-model')
  })
})

describe('timm.list_models', () => {
  it('matches a glob over the models nnsize builds, in timm\'s natural order', () => {
    expect(listModels({ filter: 'resnet1*' })).toEqual(['resnet10t', 'resnet14t', 'resnet18', 'resnet18d', 'resnet101', 'resnet101c', 'resnet101d', 'resnet101s', 'resnet152', 'resnet152c', 'resnet152d', 'resnet152s'])
    expect(listModels({ filter: 'convnextv2_*', pretrained: true }).slice(0, 3)).toEqual(['convnextv2_atto.fcmae', 'convnextv2_atto.fcmae_ft_in1k', 'convnextv2_base.fcmae'])
    expect(listModels({ filter: 'vit_base_patch16_224*', include_tags: true }).slice(0, 2)).toEqual(['vit_base_patch16_224.augreg2_in21k_ft_in1k', 'vit_base_patch16_224.augreg_in1k'])
    expect(listModels({ module: 'vgg', exclude_filters: '*_bn' })).toEqual(['vgg11', 'vgg13', 'vgg16', 'vgg19'])
  })
  it('is a list of strings in the expression language', () => {
    expect(() => buildModule("timm.list_models('vgg1[13]')")).toThrow("The input must end with a module, got list `['vgg11', 'vgg13']`.")
    expect(listModules()).toContain('vision_transformer')
  })
  it('globs like fnmatch, in linear time', () => {
    expect(globMatch('res*t[0-9]?', 'resnet50')).toBe(true)
    expect(globMatch('res*t[!0-9]*', 'resnet50')).toBe(false)
    expect(globMatch('a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false)
  })
})

describe('the registry', () => {
  it('has a pretrained configuration for every model it builds', () => {
    const missing = supportedModels().filter((name) => pretrainedCfgs(name).length === 0)
    expect(missing).toEqual([])
    expect(supportedModels().length).toBeGreaterThan(700)
  })
})
