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
  it('takes more class keywords (parameter counts, tensor names and shapes measured with timm 1.0.29 on the meta device)', () => {
    expect(params("timm.create_model('ghostnet_100', version='v2')")).toBe(6156908)
    expect(params("timm.create_model('dla34', cardinality=2, base_width=32)")).toBe(15742104)
    expect(params("timm.create_model('dla34', levels=(1, 1, 1, 1, 1, 1))")).toBe(12543384)
    expect(params("timm.create_model('rexnet_100', initial_chs=32, final_chs=200)")).toBe(6479296)
    expect(params("timm.create_model('mixer_s16_224', mlp_ratio=(0.5, 2.0))")).toBe(10131464)
    expect(params("timm.create_model('vgg11', norm_layer=nn.BatchNorm2d)")).toBe(132868840)
    expect(params("timm.create_model('fastvit_t8', embed_dims=(32, 64, 128, 256), mlp_ratios=(2, 2, 2, 2))")).toBe(1589128)
    const types = (source: string): Map<string, string> => new Map(analyze(source).modules.map((m) => [m.path, m.type]))
    // activations have no tensors: the module classes show them
    expect(types("timm.create_model('densenet121', act_layer='silu')").get('features.norm0.act')).toBe('SiLU')
    expect(types("timm.create_model('rexnet_100', act_layer='relu')").get('stem.bn.act')).toBe('ReLU')
    expect(types("timm.create_model('vgg11', act_layer=nn.SiLU)").get('pre_logits.act1')).toBe('SiLU')
    expect(types("timm.create_model('convmixer_1536_20', act_layer=nn.SiLU)").get('stem.1')).toBe('SiLU')
    expect(types("timm.create_model('cait_xxs24_224', act_layer=nn.SiLU)").get('blocks_token_only.0.mlp.act')).toBe('SiLU')
    const inception = types("timm.create_model('inception_v3', act_layer='silu', norm_layer='groupnorm1')")
    expect([inception.get('Conv2d_1a_3x3.bn'), inception.get('Conv2d_1a_3x3.bn.act')]).toEqual(['GroupNorm1Act', 'SiLU'])
    // these classes call `act_layer()` themselves: a name is Python's TypeError
    expect(errorOf(() => buildModule("timm.create_model('mixer_s16_224', act_layer='silu')")).message).toMatch(/'str' object is not callable/)
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
  it('drops every keyword whose value is None before anything else, as timm does: None means the default', () => {
    // timm 1.0.29 keeps the layer scales (`gamma`) of these models: `init_values=None` is not passed to the class
    expect(params("timm.create_model('convnext_atto', ls_init_value=None)")).toBe(3695520)
    expect(analyze("timm.create_model('convnext_atto', ls_init_value=None)").tensors.find((t) => t.name === 'stages.0.blocks.0.gamma')!.shape).toEqual([40])
    expect(params("timm.create_model('deit3_small_patch16_224', init_values=None)")).toBe(22059496)
    expect(params("timm.create_model('beit_base_patch16_224', init_values=None)")).toBe(86530984)
    expect(params("timm.create_model('vit_small_patch14_reg4_dinov2', init_values=None)")).toBe(22057344)
    for (const kw of ['num_classes=None', 'drop_path_rate=None', 'features_only=None', 'zz_bogus=None', 'pretrained=None', 'features_only=False, pruned=False']) {
      expect(params(`timm.create_model('resnet18', ${kw})`)).toBe(11689512)
    }
  })
  it('takes a valid pretrained_cfg over the tag in the name: a tag of the model, or a dict of PretrainedCfg fields', () => {
    expect(params("timm.create_model('vit_base_patch16_224.augreg_in1k', pretrained_cfg='augreg_in21k')")).toBe(102595923)
    expect(params("timm.create_model('convnext_tiny.fb_in1k', pretrained_cfg='in12k')")).toBe(36910477)
    // an empty pretrained_cfg is false: the name's tag stays
    expect(params("timm.create_model('vit_base_patch16_224.augreg_in21k', pretrained_cfg='')")).toBe(102595923)
    expect(params("timm.create_model('vit_base_patch16_224.augreg_in21k', pretrained_cfg={})")).toBe(102595923)
    // a dict replaces the configuration (the name's tag is not even looked up): its num_classes, and input_size[0] as in_chans
    expect(params("timm.create_model('resnet50.bogus', pretrained_cfg=dict(num_classes=10))")).toBe(23528522)
    expect(params("timm.create_model('resnet50', pretrained_cfg=dict(num_classes=10, input_size=(1, 224, 224)))")).toBe(23522250)
    expect(params("timm.create_model('vit_small_patch16_224', pretrained_cfg=dict(fixed_input_size=True, input_size=(3, 96, 96)))")).toBe(21989224)
    expect(params("timm.create_model('vit_small_patch16_224', pretrained_cfg=dict(num_classes=-1))")).toBe(22050664)
    expect(params("timm.create_model('resnet50', pretrained_cfg_overlay=dict(num_classes=7))")).toBe(23522375)
    expect(params("timm.create_model('vit_small_patch16_224', pretrained_cfg_overlay=dict(input_size=(3, 96, 96)))")).toBe(21989224)
    // a renamed model's own tag gives way too; an empty tag in the name is the default
    expect(params("timm.create_model('convnext_tiny_in22ft1k', pretrained_cfg='fb_in1k')")).toBe(28589128)
    expect(params("timm.create_model('resnet50.')")).toBe(25557032)
  })
  it('refuses what timm refuses about the pretrained configuration', () => {
    expect(errorOf(() => buildModule("timm.create_model('vit_base_patch16_224.augreg_in21k', pretrained_cfg='bogus')")).message).toMatch(/^Invalid pretrained tag `bogus` for `vit_base_patch16_224`\./)
    expect(errorOf(() => buildModule("timm.create_model('hf-hub:timm/resnet50.a1_in1k', pretrained_cfg='a1_in1k')")).message).toBe('pretrained_cfg should not be set when sourcing model from Hugging Face Hub.')
    expect(errorOf(() => buildModule("timm.create_model('resnet50', pretrained_cfg=dict(zz=1))")).message).toMatch(/PretrainedCfg.__init__\(\) got an unexpected keyword argument 'zz'/)
    expect(errorOf(() => buildModule("timm.create_model('resnet50', pretrained_cfg=dict(fixed_input_size=True))")).message).toMatch(/got an unexpected keyword argument 'img_size'/)
    expect(errorOf(() => buildModule("timm.create_model('vit_small_patch16_224', pretrained_cfg=dict(input_size=(3, 96)))")).message).toMatch(/len\(input_size\) == 3/)
  })
  it("raises timm's TypeError for a keyword the model's builder passes itself, in every family whose builders pass theirs", () => {
    const fixed = [
      ['efficientnet_b0', 'stem_size=16'],
      ['efficientnet_b0', 'num_features=640'],
      ['tf_efficientnet_lite0', 'fix_stem=False'],
      ['mobilenetv3_large_100', 'stem_size=32'],
      ['mobilenetv4_conv_small', 'head_norm=True'],
      ['fbnetv3_b', 'head_bias=True'],
      ['regnetz_005', 'zero_init_last=False'],
      ['rexnet_130', 'width_mult=1.0'],
      ['rexnetr_100', 'ch_div=8'],
      ['convmixer_768_32', 'depth=2'],
      ['convmixer_768_32', 'act_layer=nn.SiLU'],
      ['ghostnetv2_100', "version='v1'"],
      ['poolformer_s12', 'use_mlp_head=True'],
      ['vgg11_bn', 'norm_layer=nn.BatchNorm2d'],
    ]
    for (const [model, kw] of fixed) {
      const name = kw!.split('=')[0]
      expect(errorOf(() => buildModule(`timm.create_model('${model}', ${kw})`)).message).toMatch(new RegExp(`got multiple values for keyword argument '${name}'`))
    }
    // what the generators read from the caller's keywords first stays the caller's
    expect(params("timm.create_model('efficientnet_b0', act_layer='relu')")).toBe(5288548)
    expect(params("timm.create_model('tf_efficientnet_b0', pad_type='')")).toBe(5288548)
    expect(params("timm.create_model('efficientnet_b0', fix_stem=True)")).toBe(5288548)
  })
  it('lets the classes whose **kwargs take any keyword take them (ConvMixer, the Swin Transformers)', () => {
    expect(params("timm.create_model('convmixer_768_32', drop_path_rate=0.1)")).toBe(21110248)
    expect(params("timm.create_model('convmixer_1536_20', img_size=256)")).toBe(51625960)
    expect(params("timm.create_model('swin_tiny_patch4_window7_224', zz_bogus=1)")).toBe(28288354)
    expect(params("timm.create_model('swinv2_tiny_window8_256', zz_bogus=1)")).toBe(28347154)
    expect(errorOf(() => buildModule("timm.create_model('resnet50', zz_bogus=1)")).code).toBe('unknown-argument')
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
