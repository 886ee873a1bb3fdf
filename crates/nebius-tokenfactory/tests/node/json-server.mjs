// A real HTTP server that parses request bodies, for the streamed-upload
// tests: Node's own http module, which reads Content-Length and chunked
// bodies alike, as production servers do. For each request it reads the
// whole body, parses it as JSON (a 400 if it is not), saves the raw bytes
// as body-N.json in the folder given as its first argument, and answers
// 200 with a created dataset, saying in headers how the body came.
//
// It prints its port on stdout, and exits when its stdin closes, so it
// never outlives the test that started it.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const dir = process.argv[2];
let received = 0;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const n = ++received;
    fs.writeFileSync(path.join(dir, `body-${n}.json`), body);
    let parsed;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (e) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: `the body is not JSON: ${e.message}` }));
      return;
    }
    res.writeHead(200, {
      "content-type": "application/json",
      "x-body-number": String(n),
      "x-body-bytes": String(body.length),
      "x-body-rows": String(Array.isArray(parsed.rows) ? parsed.rows.length : -1),
      "x-body-transfer-encoding": req.headers["transfer-encoding"] ?? "none",
    });
    res.end(
      JSON.stringify({
        id: "ds-node",
        name: parsed.name,
        status: "PENDING",
        schema: parsed.schema,
        metadata: {},
        folder: parsed.folder,
        current_version: "v1",
        created_at: 1760109124,
        error: null,
      }),
    );
  });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
