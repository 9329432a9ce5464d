// A consumer that dies mid-flow: it reads entries of a group (so they become pending on its
// consumer name), reports how many it took, and waits to be killed without acking any.
// Usage: node redis-consumer-child.mjs <url> <stream> <group> <consumer> <count>
import { Redis } from 'ioredis';

const [url, stream, group, consumer, count] = process.argv.slice(2);
const redis = new Redis(url);
redis.on('error', () => undefined);
const reply = await redis.xreadgroup('GROUP', group, consumer, 'COUNT', Number(count), 'STREAMS', stream, '>');
const ids = reply ? reply[0][1].map(([id]) => id) : [];
process.stdout.write(`READ ${ids.join(',')}\n`);
setInterval(() => undefined, 60_000);
