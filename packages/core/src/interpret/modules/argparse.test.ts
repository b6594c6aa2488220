import { describe, expect, it } from 'vitest'
import { failure, files } from '../../../test/interpret.js'

/** Runs `main.py` (with `import argparse` first and a model last) and returns what it printed. */
const run = (source: string): string[] => files({ 'main.py': `import argparse\nimport torch.nn as nn\n${source}\nmodel = nn.Linear(1, 1)` }, 'main.py').notes ?? []

// Every expected line below is what CPython's argparse printed for the same source, run as `python main.py`
// (measured with CPython 3.11.7 and 3.12.1, which print the same).
describe('argparse', () => {
  it("runs vae options as CPython does", () => {
    const source = "parser = argparse.ArgumentParser(description='VAE MNIST Example')\nparser.add_argument('--batch-size', type=int, default=128, metavar='N', help='input batch size')\nparser.add_argument('--no-accel', action='store_true', help='disables accelerator')\nparser.add_argument('--seed', type=int, default=1, metavar='S')\nargs = parser.parse_args()\nprint(args)\nprint(vars(args))\nprint(args.batch_size * 2, args.no_accel, not args.no_accel)"
    expect(run(source)).toEqual(["Namespace(batch_size=128, no_accel=False, seed=1)", "{'batch_size': 128, 'no_accel': False, 'seed': 1}", "256 False True"])
  })

  it("runs actions as CPython does", () => {
    const source = "p = argparse.ArgumentParser(prog='train', formatter_class=argparse.ArgumentDefaultsHelpFormatter)\np.add_argument('--cuda', action='store_false')\np.add_argument('--mode', action='store_const', const='fast')\np.add_argument('-v', '--verbose', action='count')\np.add_argument('-q', action='count', default=0)\np.add_argument('--layer', action='append')\np.add_argument('--tag', action='append', default=['base'])\np.add_argument('--flag', action=argparse.BooleanOptionalAction)\np.add_argument('--amp', action=argparse.BooleanOptionalAction, default=True)\np.add_argument('--lr', dest='learning_rate', type=float, default=0.1)\np.add_argument('--ext', action='extend', nargs='+', type=int)\nprint(p.parse_args())\nprint(p.parse_args(['--cuda', '--mode', '-vv', '-q', '--verbose', '--layer', 'a', '--layer=b', '--tag', 'x', '--no-flag', '--no-amp', '--lr', '3e-4', '--ext', '1', '2', '--ext', '3']))\nprint(p.parse_args(['--flag']).flag, p.get_default('tag'), p.get_default('learning_rate'))"
    expect(run(source)).toEqual(["Namespace(cuda=True, mode=None, verbose=None, q=0, layer=None, tag=['base'], flag=None, amp=True, learning_rate=0.1, ext=None)", "Namespace(cuda=False, mode='fast', verbose=3, q=1, layer=['a', 'b'], tag=['base', 'x'], flag=False, amp=False, learning_rate=0.0003, ext=[1, 2, 3])", "True ['base'] 0.1"])
  })

  it("runs type on string defaults as CPython does", () => {
    const source = "def twice(s):\n    return s * 2\np = argparse.ArgumentParser()\np.add_argument('--lr', type=float, default='0.5')\np.add_argument('--n', type=int, default=3.7)\np.add_argument('--w', type=twice, default='ab')\np.add_argument('--sizes', type=int, nargs='+', default='7')\np.add_argument('--h', type=int)\na = p.parse_args()\nprint(a.lr, type(a.lr).__name__, a.n, a.w, a.sizes, a.h)\nb = p.parse_args(['--w', 'x', '--sizes', '1', '2', '--h', '-3'])\nprint(b.w, b.sizes, b.h)"
    expect(run(source)).toEqual(["0.5 float 3.7 abab 7 None", "xx [1, 2] -3"])
  })

  it("runs positionals as CPython does", () => {
    const source = "p = argparse.ArgumentParser()\np.add_argument('data', nargs='?', default='cifar')\np.add_argument('rest', nargs='*')\np.add_argument('--depth', type=int, default=18)\nprint(p.parse_args([]))\nprint(p.parse_args(['imagenet', 'a', 'b', '--depth', '50']))\nq = argparse.ArgumentParser()\nq.add_argument('src')\nq.add_argument('pair', nargs=2, type=int)\nq.add_argument('more', nargs='+')\nprint(q.parse_args(['s', '1', '2', 'x', 'y']))"
    expect(run(source)).toEqual(["Namespace(data='cifar', rest=[], depth=18)", "Namespace(data='imagenet', rest=['a', 'b'], depth=50)", "Namespace(src='s', pair=[1, 2], more=['x', 'y'])"])
  })

  it("runs option forms as CPython does", () => {
    const source = "p = argparse.ArgumentParser()\np.add_argument('--batch-size', type=int, default=1)\np.add_argument('-x', type=int, default=0)\np.add_argument('--opt', nargs='?', const='c', default='d')\np.add_argument('--pair', nargs=2, type=float)\nprint(p.parse_args(['--batch', '5', '-x3', '--opt']))\nprint(p.parse_args(['--batch-size=7', '-x', '4', '--opt', 'v', '--pair', '1', '2']))\nprint(p.parse_args(('--opt=e',)))"
    expect(run(source)).toEqual(["Namespace(batch_size=5, x=3, opt='c', pair=None)", "Namespace(batch_size=7, x=4, opt='v', pair=[1.0, 2.0])", "Namespace(batch_size=1, x=0, opt='e', pair=None)"])
  })

  it("runs known args as CPython does", () => {
    const source = "p = argparse.ArgumentParser()\np.add_argument('--epochs', type=int, default=10)\nargs, unknown = p.parse_known_args()\nprint(args, unknown)\nargs, unknown = p.parse_known_args(['--epochs', '2', '--local_rank', '0', 'extra'])\nprint(args, unknown)"
    expect(run(source)).toEqual(["Namespace(epochs=10) []", "Namespace(epochs=2) ['--local_rank', '0', 'extra']"])
  })

  it("runs choices as CPython does", () => {
    const source = "p = argparse.ArgumentParser()\np.add_argument('--arch', default='resnet18', choices=['resnet18', 'resnet50'])\np.add_argument('--k', type=int, choices=range(1, 4), default=1)\nprint(p.parse_args(['--k', '3']))"
    expect(run(source)).toEqual(["Namespace(arch='resnet18', k=3)"])
  })

  it("runs groups and defaults as CPython does", () => {
    const source = "p = argparse.ArgumentParser()\ng = p.add_argument_group('model', 'model options')\ng.add_argument('--width', type=int, default=64)\nm = p.add_mutually_exclusive_group()\nm.add_argument('--fp16', action='store_true')\nm.add_argument('--bf16', action='store_true')\np.set_defaults(width=32, extra='yes')\np.add_argument('--depth', type=int)\np.set_defaults(depth=4)\na = p.parse_args(['--bf16'])\nprint(a)\nprint(p.get_default('width'), p.get_default('extra'))"
    expect(run(source)).toEqual(["Namespace(width=32, fp16=False, bf16=True, depth=4, extra='yes')", "32 yes"])
  })

  it("runs namespace as CPython does", () => {
    const source = "ns = argparse.Namespace(a=1, b='x')\nns.c = [1, 2]\nsetattr(ns, 'my-key', 3)\nprint(ns)\nprint(ns == argparse.Namespace(a=1, b='x', c=[1, 2], **{'my-key': 3}), 'a' in ns, 'z' in ns, isinstance(ns, argparse.Namespace))\np = argparse.ArgumentParser()\np.add_argument('--a', type=int, default=5)\nr = p.parse_args([], namespace=argparse.Namespace(a=9, z=1))\nprint(r)\nprint(argparse.SUPPRESS, argparse.ZERO_OR_MORE)"
    expect(run(source)).toEqual(["Namespace(a=1, b='x', c=[1, 2], **{'my-key': 3})", "True True False True", "Namespace(a=9, z=1)", "==SUPPRESS== *"])
  })

  it("runs positionals between options as CPython does", () => {
    const source = "p = argparse.ArgumentParser()\np.add_argument('src')\np.add_argument('rest', nargs='*')\np.add_argument('--x')\nprint(p.parse_known_args(['a', '--x', '1', 'b', 'c']))\nprint(p.parse_known_args(['a', 'b', '--x', '1', 'c']))\nq = argparse.ArgumentParser()\nq.add_argument('rest', nargs='*')\nq.add_argument('--x')\nprint(q.parse_known_args(['--x', '1', 'b', 'c']))\nr = argparse.ArgumentParser()\nr.add_argument('a')\nr.add_argument('b', nargs='?', default='B')\nr.add_argument('--x')\nprint(r.parse_known_args(['1', '--x', '2', '3']))\nprint(r.parse_args(['--x', '-1', '--', '-5', '-6']))"
    expect(run(source)).toEqual(["(Namespace(src='a', rest=[], x='1'), ['b', 'c'])", "(Namespace(src='a', rest=['b'], x='1'), ['c'])", "(Namespace(rest=['b', 'c'], x='1'), [])", "(Namespace(a='1', b='B', x='2'), ['3'])", "Namespace(a='-5', b='-6', x='-1')"])
  })

  it("runs more actions and parser options as CPython does", () => {
    const source = "p = argparse.ArgumentParser(prefix_chars='-+', add_help=False, allow_abbrev=False)\np.add_argument('-h', '--height', type=int)\np.add_argument('+f', action='append_const', const='F', dest='fs')\np.add_argument('--g', action='append_const', const='G', dest='fs')\np.add_argument('--rest', nargs=argparse.REMAINDER)\nprint(p.parse_args([]))\nprint(p.parse_args(['+f', '--g', '+f', '-h', '3', '--rest', '--x', 'y']))\na = p.add_argument('--k', default=None)\nprint(a.dest, a.option_strings, a.default, a.required, a.nargs)\nd = argparse.ArgumentParser(argument_default=7)\nd.add_argument('--a')\nd.add_argument('--b', default=1)\nd.add_argument('--flag', action='store_true')\nprint(d.parse_args())\ntry:\n    p.parse_args(['--heig', '3'])\nexcept SystemExit as e:\n    print('exit', e.code)"
    expect(run(source)).toEqual(["Namespace(height=None, fs=None, rest=None)", "Namespace(height=3, fs=['F', 'G', 'F'], rest=['--x', 'y'])", "k ['--k'] None False None", "Namespace(a=7, b=1, flag=7)", "exit 2"])
  })

  it("runs add_argument errors as CPython does", () => {
    const source = "p = argparse.ArgumentParser()\nfor kwargs in [dict(dest='y'), dict(required=True)]:\n    try:\n        p.add_argument('x', **kwargs)\n    except (TypeError, ValueError) as e:\n        print(type(e).__name__, e)\ntry:\n    p.add_argument('-h')\nexcept argparse.ArgumentError as e:\n    print('ArgumentError', e)\ntry:\n    p.add_argument('--z', action='store_true', nargs=1)\nexcept TypeError as e:\n    print('TypeError')\ntry:\n    p.add_argument('--w', action='keep')\nexcept ValueError as e:\n    print('ValueError', e)"
    expect(run(source)).toEqual(["ValueError dest supplied twice for positional argument", "TypeError 'required' is an invalid argument for positionals", "ArgumentError argument -h: conflicting option string: -h", "TypeError", "ValueError unknown action \"keep\""])
  })

})

describe('argparse errors', () => {
  it("stops on required option with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--dataset', required=True, help='cifar10 | lsun')\nparser.add_argument('--workers', type=int, default=2)\nopt = parser.parse_args()"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: the following arguments are required: --dataset")
  })

  it("stops on required positional and option with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('data')\nparser.add_argument('--upscale_factor', type=int, required=True)\nopt = parser.parse_args()"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: the following arguments are required: data, --upscale_factor")
  })

  it("stops on invalid int with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--epochs', type=int, default=1)\nopt = parser.parse_args(['--epochs', 'ten'])"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: argument --epochs: invalid int value: 'ten'")
  })

  it("stops on invalid choice with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--arch', choices=['a', 'b'])\nopt = parser.parse_args(['--arch', 'c'])"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: argument --arch: invalid choice: 'c' (choose from 'a', 'b')")
  })

  it("stops on unrecognized with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--epochs', type=int, default=1)\nopt = parser.parse_args(['--epochs', '2', '--lr', '0.1'])"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: unrecognized arguments: --lr 0.1")
  })

  it("stops on missing value with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--epochs', type=int, default=1)\nopt = parser.parse_args(['--epochs'])"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: argument --epochs: expected one argument")
  })

  it("stops on mutually exclusive with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\ng = parser.add_mutually_exclusive_group(required=True)\ng.add_argument('--fp16', action='store_true')\ng.add_argument('--bf16', action='store_true')\nopt = parser.parse_args(['--fp16', '--bf16'])"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: argument --bf16: not allowed with argument --fp16")
  })

  it("stops on required group with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\ng = parser.add_mutually_exclusive_group(required=True)\ng.add_argument('--fp16', action='store_true')\ng.add_argument('--bf16', action='store_true')\nopt = parser.parse_args()"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: one of the arguments --fp16 --bf16 is required")
  })

  it("stops on ambiguous with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--batch-size', type=int, default=1)\nparser.add_argument('--batch-norm', action='store_true')\nopt = parser.parse_args(['--batch', '3'])"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: ambiguous option: --batch could match --batch-size, --batch-norm")
  })

  it("stops on type error on a string default with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--size', type=int, default='large')\nopt = parser.parse_args()"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: argument --size: invalid int value: 'large'")
  })

  it("stops on missing positional with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('data')\nparser.add_argument('more', nargs='+')\nopt = parser.parse_args(['x'])"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: the following arguments are required: more")
  })

  it("stops on required before the default is converted with CPython\u2019s message", () => {
    const source = "parser = argparse.ArgumentParser()\nparser.add_argument('--size', type=int, default='large', required=True)\nopt = parser.parse_args()"
    const e = failure(() => run(source))
    expect(e.code).toBe('exception')
    expect(e.message).toContain("main.py: error: the following arguments are required: --size")
  })

})
describe('argparse in a script', () => {
  it('names the missing option, with the caret at the `parse_args()` call', () => {
    const text = "import argparse\nparser = argparse.ArgumentParser()\nparser.add_argument('--dataset', required=True)\nopt = parser.parse_args()\n"
    const e = failure(() => files({ 'main.py': text }, 'main.py'))
    expect(e.code).toBe('exception')
    expect(e.message).toBe(
      'The script needs the option `--dataset`: nnsize runs it as `python main.py` with no command-line arguments, and `argparse` stops there with `main.py: error: the following arguments are required: --dataset`.',
    )
    expect(e.span?.file).toBe('main.py')
    expect(text.slice(e.span!.start, e.span!.end)).toBe('parser.parse_args()')
  })

  it('is SystemExit, which `except SystemExit` catches and `except Exception` does not', () => {
    const source = [
      'p = argparse.ArgumentParser()',
      "p.add_argument('--x', required=True)",
      'try:',
      '    p.parse_args()',
      'except SystemExit as e:',
      "    print('exit')",
      'try:',
      '    try:',
      '        p.parse_args()',
      '    except Exception:',
      "        print('caught')",
      'except BaseException:',
      "    print('base')",
    ].join('\n')
    expect(run(source)).toEqual(['exit', 'base'])
  })

  it('refuses an action class of its own, which nnsize does not run', () => {
    const source = ['class Mine(argparse.Action):', '    pass', 'p = argparse.ArgumentParser()', "p.add_argument('--x', action=Mine)"].join('\n')
    expect(failure(() => run(source)).code).toBe('unsupported')
  })
})

describe('argparse with a prog of its own', () => {
  it('prints the prog in argparse’s line and the file in what nnsize ran', () => {
    const text = "import argparse\nparser = argparse.ArgumentParser(prog='train')\nparser.add_argument('--data', required=True)\nparser.parse_args()\n"
    const e = failure(() => files({ 'scripts/run.py': text }, 'scripts/run.py'))
    expect(e.message).toBe(
      'The script needs the option `--data`: nnsize runs it as `python run.py` with no command-line arguments, and `argparse` stops there with `train: error: the following arguments are required: --data`.',
    )
  })
})

describe('argparse beyond what nnsize models', () => {
  it('says so where a script prints its help or adds subcommands', () => {
    for (const call of ['p.print_help()', "p.add_subparsers(dest='cmd')"]) {
      const e = failure(() => run(`p = argparse.ArgumentParser()\n${call}`))
      expect(e.code).toBe('unsupported')
      expect(e.message).toContain('is not supported yet')
    }
  })
})
