// Reads lines `VERSION HEX` on stdin, parses each packet with mqtt-packet's parser and prints one
// JSON line per input: {"ok": normalized packet} or {"error": message}. Used by
// tests/tests/differential.rs to check that mqtt-packet reads the bytes our codec writes.
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import { normalize } from './normalize.mjs'

const require = createRequire(import.meta.url)
const mqtt = require('mqtt-packet')

function parseOne (version, buf) {
  const parser = mqtt.parser({ protocolVersion: version })
  const packets = []
  let error = null
  parser.on('packet', (p) => packets.push(p))
  parser.on('error', (e) => { error = error || e })
  const left = parser.parse(buf)
  if (error) return { error: String(error.message || error) }
  if (packets.length !== 1) return { error: `${packets.length} packets parsed, ${left} bytes left` }
  const p = packets[0]
  return { ok: normalize(p, p.cmd === 'connect' ? p.protocolVersion : version) }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  const [version, hexBytes] = line.trim().split(/\s+/)
  let out
  try {
    out = parseOne(Number(version), Buffer.from(hexBytes || '', 'hex'))
  } catch (e) {
    out = { error: `exception: ${e.message}` }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
