import { fstatSync } from 'node:fs'

/** Linux's major device number of a `dev_t` (glibc's `gnu_dev_major`), from the number Node gives for it. */
export function linuxMajor(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff)
}

/**
 * Whether a descriptor is a terminal. Pipes and files answer from one fstat, and so do Linux's memory devices
 * (major 1: `/dev/null`, `/dev/zero`, where benchmarks and scripts send output); node:tty, and the streams it pulls
 * in, loads only for another character device.
 */
export async function isTerminal(fd: number): Promise<boolean> {
  let info: import('node:fs').Stats
  try {
    info = fstatSync(fd)
  } catch {
    return false
  }
  if (!info.isCharacterDevice()) return false
  if (process.platform === 'linux' && linuxMajor(info.rdev) === 1) return false
  const { isatty } = await import('node:tty')
  return isatty(fd)
}
