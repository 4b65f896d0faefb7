// The diagrams in docs/ render: every ```mermaid block of every Markdown file is drawn by
// the Mermaid library GitHub uses, in Chromium, and a block it cannot parse or draw fails
// the test with its file and line.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { chromium } from 'playwright-core'
import { repoRoot } from './harness.mjs'

/** Every mermaid block under docs/ (and the README), with where it starts. */
function diagrams() {
  const files = [join(repoRoot, 'README.md')]
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.md')) files.push(path)
    }
  }
  walk(join(repoRoot, 'docs'))
  const found = []
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() !== '```mermaid') continue
      const end = lines.findIndex((line, j) => j > i && line.trim() === '```')
      assert.ok(end > i, `${file}:${i + 1}: unclosed mermaid block`)
      found.push({ where: `${file.slice(repoRoot.length + 1)}:${i + 1}`, source: lines.slice(i + 1, end).join('\n') })
      i = end
    }
  }
  return found
}

test('every Mermaid diagram in the docs renders', async () => {
  const blocks = diagrams()
  assert.ok(blocks.length >= 5, `expected the docs' diagrams, found ${blocks.length}`)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
  try {
    const page = await browser.newPage()
    await page.setContent('<!doctype html><html><body></body></html>')
    await page.addScriptTag({ path: join(repoRoot, 'web/node_modules/mermaid/dist/mermaid.min.js') })
    const results = await page.evaluate(async (blocks) => {
      window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })
      const out = []
      for (const [n, block] of blocks.entries()) {
        try {
          const { svg } = await window.mermaid.render(`diagram${n}`, block.source)
          out.push({ where: block.where, ok: svg.includes('<svg') && !svg.includes('Syntax error') })
        } catch (e) {
          out.push({ where: block.where, ok: false, error: String(e?.message ?? e) })
        }
      }
      return out
    }, blocks)
    const failed = results.filter((r) => !r.ok)
    assert.deepEqual(failed, [], `diagrams that do not render:\n${failed.map((f) => `${f.where}: ${f.error ?? 'no drawing'}`).join('\n')}`)
  } finally {
    await browser.close()
  }
})
