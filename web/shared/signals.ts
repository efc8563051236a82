// What both sides of a chat share about signals (POST /api/signal;
// functions/vtchat/signals.py).

/**
 * At most one `typing: true` per this many ms from either side: the
 * functions store typing no more often (settings.typing_every), so a call
 * sooner would only be answered `written: false`.
 */
export const TYPING_EVERY_MS = 5_000
