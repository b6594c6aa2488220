import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'

describe('timm.models', () => {
  it("calls a model's own function, under timm.models and under its module, as timm 1.0.29 has them", () => {
    // timm 1.0.29 on the meta device: resnet50() 25,557,032 parameters; resnet50(num_classes=10) 23,528,522
    expect(analyze('timm.models.resnet50()').params.total).toBe(25_557_032n)
    expect(analyze('timm.models.resnet.resnet50(num_classes=10)').params.total).toBe(23_528_522n)
    const file = 'import timm\n\nmodel = timm.models.resnet.resnet50(num_classes=10)\n'
    expect(analyze({ files: { 'm.py': file }, main: 'm.py' }).params.total).toBe(23_528_522n)
  })

  it('leaves names timm.models does not have unknown', () => {
    expect(() => analyze('timm.models.not_a_model()')).toThrow('not_a_model')
  })
})
