// Reads the e-mail the server wrote as .eml files (its default transport: DATA_DIR/mail):
// the To header and the text/plain part, decoded from quoted-printable or base64. Enough
// for Boxoffice's own messages, not a general MIME parser.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventually } from './harness.mjs'

function decode(body, encoding) {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') {
    const soft = Buffer.from(body.replace(/=\r?\n/g, ''), 'utf8')
    const bytes = []
    for (let i = 0; i < soft.length; i++) {
      const hex = soft.subarray(i + 1, i + 3).toString('latin1')
      if (soft[i] === 0x3d && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16))
        i += 2
      } else {
        bytes.push(soft[i])
      }
    }
    return Buffer.from(bytes).toString('utf8')
  }
  return body
}

function header(head, name) {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)
  return match ? match[1].trim() : ''
}

/** One message: its recipients and its plain text. */
export function parseMail(raw) {
  const [head] = raw.split(/\r?\n\r?\n/, 1)
  const parts = raw.split(/^--[^\r\n]+$/m)
  let text = ''
  for (const part of parts) {
    const at = part.search(/\r?\n\r?\n/)
    if (at < 0) continue
    const partHead = part.slice(0, at)
    if (!/^content-type:\s*text\/plain/im.test(partHead.trim())) continue
    const encoding = header(partHead.trim(), 'Content-Transfer-Encoding').toLowerCase()
    text = decode(part.slice(at).trim(), encoding)
    break
  }
  return { to: header(head, 'To'), text }
}

/** Every message in the server's mail folder so far. */
export function readMails(dataDir) {
  const folder = join(dataDir, 'mail')
  let names = []
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.eml'))
  } catch {
    return []
  }
  return names.map((name) => parseMail(readFileSync(join(folder, name), 'utf8')))
}

/** Waits for a message to `address` whose text matches `pattern`; returns the match. */
export async function waitForMail(dataDir, address, pattern, timeout = 10_000) {
  return eventually(
    () => {
      for (const mail of readMails(dataDir)) {
        const found = mail.to.includes(address) && pattern.exec(mail.text)
        if (found) return found
      }
      return null
    },
    `an e-mail to ${address} matching ${pattern}`,
    timeout,
  )
}
