#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

// A reader that stops early (`modelgate scan ... | head`) closes the pipe: that ends output, not the scan's verdict.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
