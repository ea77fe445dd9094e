/**
 * A local DNS server (dns2, pure JavaScript) answering TXT questions from an in-memory table, so
 * domain verification is exercised over real DNS without the internet. Everything else: no answer.
 */
import dns2 from "dns2";

export interface LocalDns {
  port: number;
  records: Map<string, string[]>;
  close(): Promise<void>;
}

export async function startLocalDns(host: string, port: number): Promise<LocalDns> {
  const records = new Map<string, string[]>();
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      for (const q of request.questions) {
        if (q.type !== Packet.TYPE.TXT) continue;
        for (const data of records.get(q.name.toLowerCase().replace(/\.$/, "")) ?? []) {
          // dns2 encodes plain records; its typings ask for a Resource instance.
          response.answers.push({ name: q.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data } as unknown as (typeof response.answers)[number]);
        }
      }
      send(response);
    },
  });
  const listening = new Promise<void>((resolve) => server.once("listening", () => resolve()));
  await server.listen({ udp: { port, address: host } });
  await listening;
  const address = server.addresses().udp as { port: number };
  return { port: address.port, records, close: () => server.close() };
}
