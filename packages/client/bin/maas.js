#!/usr/bin/env node
console.error("maas: the client is not built yet");
process.exit(1);
