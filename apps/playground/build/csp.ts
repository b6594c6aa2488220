import type { Plugin } from 'vite'

/**
 * The page's Content-Security-Policy: scripts, styles and workers from the page's own origin only
 * (no inline script, no inline style sheets, no eval), nothing embedded, no forms, no base URL changes.
 * Styles set through the CSSOM (Svelte's dynamic styles) are not inline style sheets and stay allowed.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/**
 * Writes the policy into the built page as a `<meta http-equiv>` (static hosts such as GitHub Pages
 * cannot send headers). The development server injects its styles inline, so it runs without one.
 */
export function csp(): Plugin {
  return {
    name: 'nnsize-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const marker = /<!-- content-security-policy:[^>]*-->/
        if (!marker.test(html)) throw new Error('index.html lost its content-security-policy marker')
        // Before any script or style sheet, which a policy in a <meta> only governs when it comes first.
        return html.replace(marker, `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}" />`)
      },
    },
  }
}
