// The intake's proof of work (vtchat.proof on the server): find the number n
// for which SHA-256(salt + n) is the challenge. Our own loop over WebCrypto,
// so no script of anyone else runs on the page and nothing is stored: the
// puzzle and its answer live in memory until the intake is sent.

import type { Schemas } from '../../../shared/api/client'

/** GET /api/challenge's answer (generated from docs/openapi.json). */
export type Challenge = Schemas['ChallengeResponse']

const encoder = new TextEncoder()

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The `proof` field for a puzzle; rejects if it has no answer or is given up. */
export async function solve(puzzle: Challenge, signal?: AbortSignal): Promise<string> {
  for (let n = 0; n <= puzzle.maxnumber; n++) {
    if (signal?.aborted) throw new Error('aborted')
    const digest = await crypto.subtle.digest('SHA-256', encoder.encode(puzzle.salt + String(n)))
    if (hex(digest) === puzzle.challenge) {
      const { algorithm, challenge, salt, signature } = puzzle
      return btoa(JSON.stringify({ algorithm, challenge, number: n, salt, signature }))
    }
  }
  throw new Error('unsolvable')
}

/** A fresh puzzle the server sent with a refusal (`proof_invalid`, `proof_harder`). */
export function refusalPuzzle(code: string, details: Record<string, unknown>): Challenge | null {
  if (!code.startsWith('proof_')) return null
  const puzzle = details.challenge as Challenge | undefined
  return puzzle && typeof puzzle.salt === 'string' ? puzzle : null
}
