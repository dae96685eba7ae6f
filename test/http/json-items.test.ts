import { describe, expect, it } from "vitest";
import { handler, jsonItems } from "../../src/http/handler";

const items = (count: number) => Array.from({ length: count }, (_, i) => ({ level: i + 1, name: `Núñez ${i}`, rank: i % 2 ? null : "Plata" }));
const texts = (list: unknown[]) => list.map((item) => JSON.stringify(item));

async function pieces(response: Response): Promise<{ text: string; count: number }> {
  const [reader, decoder] = [response.body!.getReader(), new TextDecoder()];
  let [text, count] = ["", 0];
  for (let piece = await reader.read(); !piece.done; piece = await reader.read()) [text, count] = [text + decoder.decode(piece.value, { stream: true }), count + 1];
  return { text: text + decoder.decode(), count };
}

describe("jsonItems", () => {
  it.each([0, 1, 200, 201, 2_099])("writes %i items' texts as exactly the JSON of { items }", async (count) => {
    const list = items(count);
    const { text } = await pieces(jsonItems(texts(list)));
    expect(text).toBe(JSON.stringify({ items: list }));
  });

  it("writes a long list in pieces of at most 200 items", async () => {
    // 2,099 items: 11 pieces of items, then the closing brackets.
    expect((await pieces(jsonItems(texts(items(2_099))))).count).toBe(11 + 1);
  });

  it("keeps its content type through the handler, with the standard headers added", async () => {
    const response = await handler(async () => jsonItems(texts(items(3))))(new Request("http://test.local/x"));
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.json()).toEqual({ items: items(3) });
  });
});
