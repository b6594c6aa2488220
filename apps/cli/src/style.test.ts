import { describe, expect, it } from 'vitest'
import { chooseStyle } from './style.js'

describe('chooseStyle', () => {
  it('colours a terminal and not a pipe', () => {
    expect(chooseStyle({ env: {}, isTTY: true }).enabled).toBe(true)
    expect(chooseStyle({ env: {}, isTTY: false }).enabled).toBe(false)
  })
  it('honours NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(chooseStyle({ env: { NO_COLOR: '1' }, isTTY: true }).enabled).toBe(false)
    expect(chooseStyle({ env: { NO_COLOR: '' }, isTTY: true }).enabled).toBe(true)
    expect(chooseStyle({ env: { FORCE_COLOR: '1' }, isTTY: false }).enabled).toBe(true)
    expect(chooseStyle({ env: { FORCE_COLOR: '0' }, isTTY: true }).enabled).toBe(true)
    expect(chooseStyle({ env: { FORCE_COLOR: '0' }, isTTY: false }).enabled).toBe(false)
    expect(chooseStyle({ env: { TERM: 'dumb' }, isTTY: true }).enabled).toBe(false)
  })
  it('lets --color and --no-color decide over the environment', () => {
    expect(chooseStyle({ color: true, env: { NO_COLOR: '1' }, isTTY: false }).enabled).toBe(true)
    expect(chooseStyle({ color: false, env: { FORCE_COLOR: '1' }, isTTY: true }).enabled).toBe(false)
  })
  it('wraps text in ANSI codes only when enabled', () => {
    expect(chooseStyle({ env: {}, isTTY: true }).red('x')).toBe('\u001b[31mx\u001b[39m')
    expect(chooseStyle({ env: {}, isTTY: false }).red('x')).toBe('x')
  })
})
