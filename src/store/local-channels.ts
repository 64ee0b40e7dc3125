// Pub/sub for stores that no other process shares (memory, SQLite): delivery is synchronous, so in
// one process a subscriber sees a message before publish resolves.
export class LocalChannels {
  private readonly channels = new Map<string, Set<(message: string) => void>>();

  publish(channel: string, message: string): void {
    // A copy, so a listener that unsubscribes or subscribes while being called changes no iteration.
    for (const listener of [...(this.channels.get(channel) ?? [])]) listener(message);
  }

  subscribe(channel: string, listener: (message: string) => void): () => Promise<void> {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    // Wrapped, so the same function subscribed twice is two subscriptions that unsubscribe separately.
    const own = (message: string) => listener(message);
    set.add(own);
    return async () => {
      set.delete(own);
    };
  }
}
