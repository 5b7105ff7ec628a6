/**
 * Options for a GET route whose reply discloses personal information: no automatic HEAD route. A
 * HEAD would run the handler — recording an access to the holder's information — and then drop the
 * body, so the access log would show a disclosure that never happened.
 */
export const disclosing = { exposeHeadRoute: false } as const;
