// Type-level tests: compiled by `pnpm typecheck` (never run). Each `@ts-expect-error` line must fail to compile.
import { expectTypeOf } from 'vitest'
import { bool, int, ints, module, optionalInt, str } from '../bind/args.js'
import type { ArgSpec, ArgsOf } from '../bind/args.js'
import type { ModuleNode } from '../model/module.js'
import { defineLayer } from './define-layer.js'
import { conv2d } from './conv.js'
import { linear } from './linear.js'
import { sequential } from './containers.js'

// Each helper keeps its argument's name and whether a call must give it.
expectTypeOf(int('in_features')).toEqualTypeOf<ArgSpec<number, 'in_features', true>>()
expectTypeOf(bool('bias', { default: true })).toEqualTypeOf<ArgSpec<boolean, 'bias', false>>()
expectTypeOf(str('mode', { default: 'a', choices: ['a', 'b'] })).toEqualTypeOf<ArgSpec<'a' | 'b', 'mode', false>>()
expectTypeOf(module('norm', { optional: true, default: null })).toEqualTypeOf<ArgSpec<ModuleNode | null, 'norm', false>>()
expectTypeOf(module('encoder_layer')).toEqualTypeOf<ArgSpec<ModuleNode, 'encoder_layer', true>>()

// The argument object is inferred from the signature, with no type written by hand.
expectTypeOf<ArgsOf<typeof linear.signature>>().toEqualTypeOf<{
  in_features: number
  out_features: number
  bias: boolean
  device: string | null
  dtype: import('../tensor/dtype.js').DType | null
}>()
expectTypeOf<ArgsOf<typeof conv2d.signature>['padding_mode']>().toEqualTypeOf<'zeros' | 'reflect' | 'replicate' | 'circular'>()
expectTypeOf<ArgsOf<typeof conv2d.signature>['padding']>().toEqualTypeOf<number[] | 'same' | 'valid'>()
// `*args` are collected into a list.
expectTypeOf<Parameters<typeof sequential.build>[0]['modules']>().toBeArray()

defineLayer({
  name: 'Probe',
  signature: [int('width'), optionalInt('height', { default: null }), ints('kernel_size', 2), str('mode', { default: 'x', choices: ['x', 'y'] })],
  validate(a, fail) {
    expectTypeOf(a.width).toEqualTypeOf<number>()
    expectTypeOf(a.height).toEqualTypeOf<number | null>()
    expectTypeOf(a.kernel_size).toEqualTypeOf<number[]>()
    expectTypeOf(a.mode).toEqualTypeOf<'x' | 'y'>()
    // @ts-expect-error a misspelt argument name does not compile
    if (a.widht > 0) fail('width', 'never')
  },
  build(a, m) {
    // @ts-expect-error an argument used as the wrong type does not compile
    const text: string = a.width
    // @ts-expect-error a value outside `choices` does not compile
    if (a.mode === 'z') m.none(text)
  },
  explain: (a) => [{ tensor: 'weight', factors: [['width', a.width]] }],
  forward(self, inputs) {
    expectTypeOf(self.args.kernel_size).toEqualTypeOf<number[]>()
    // @ts-expect-error forward sees the same argument types
    const size: string = self.args.kernel_size
    void size
    return inputs[0]!
  },
})

// Child modules are made from a typed reference to their layer: the arguments are checked too.
defineLayer({
  name: 'Parent',
  signature: [int('width')],
  build(a, m) {
    m.child('fc', m.create(linear, { in_features: a.width, out_features: 4 }))
    m.child('seq', m.create(sequential, { modules: [] }))
    // @ts-expect-error a misspelt argument of a child does not compile
    m.create(linear, { in_feature: a.width, out_features: 4 })
    // @ts-expect-error a required argument of a child cannot be left out
    m.create(linear, { out_features: 4 })
    // @ts-expect-error nor given the wrong type
    m.create(linear, { in_features: 'wide', out_features: 4 })
    // @ts-expect-error a class name is no longer accepted
    m.create('Linear', { in_features: a.width, out_features: 4 })
    // @ts-expect-error nor a value outside a string argument's choices
    m.create(conv2d, { in_channels: 1, out_channels: 1, kernel_size: [3, 3], padding_mode: 'mirror' })
  },
})
