'use strict';
// The Kafka clients compared on the hot path's pattern: an idempotent producer sending
// small keyed batches (1-4 messages of ~600 bytes, 3 headers) with 32 sends in flight, and a
// consumer group consuming in batches and committing each batch's offsets by hand, in one
// process. Run by `npm run bench:kafka-clients` (scripts/kafka-clients.sh), which installs
// the clients into infra/.local/kafka-clients; see BENCHMARKS.md.
//
//   node bench.cjs [--client all|kafkajs|platformatic|confluent] [--messages 20000]
//                  [--concurrency 32] [--broker 127.0.0.1:9092] [--partitions 12]
//                  [--timeout-s 300] [--partitions-concurrency 1] [--confluent-linger-ms 5]
//                  [--payload-bytes 600] [--platformatic-unsafe-concurrent]
//
// With --client all (default) every installed client runs in a child process of its own,
// one after another. Each prints one JSON line on stdout: messages/s, end-to-end latency
// (send to consume), process CPU per message; and checks that every message arrived once
// and that the committed offsets match what was consumed. Diagnostics go to stderr.

const { performance } = require('node:perf_hooks');
const crypto = require('node:crypto');
const { fork } = require('node:child_process');

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {
    client: 'all',
    messages: 20000,
    concurrency: 32,
    broker: '127.0.0.1:9092',
    partitions: 12,
    timeoutS: 300,
    partitionsConcurrency: 1,
    confluentLingerMs: 5,
    payloadBytes: 600,
    platformaticUnsafeConcurrent: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    switch (a) {
      case '--client':
        o.client = v();
        break;
      case '--messages':
        o.messages = +v();
        break;
      case '--concurrency':
        o.concurrency = +v();
        break;
      case '--broker':
        o.broker = v();
        break;
      case '--partitions':
        o.partitions = +v();
        break;
      case '--timeout-s':
        o.timeoutS = +v();
        break;
      case '--partitions-concurrency':
        o.partitionsConcurrency = +v();
        break;
      case '--confluent-linger-ms':
        o.confluentLingerMs = +v();
        break;
      case '--payload-bytes':
        o.payloadBytes = +v();
        break;
      case '--platformatic-unsafe-concurrent':
        o.platformaticUnsafeConcurrent = true;
        break;
      case '-h':
      case '--help':
        console.error(
          require('node:fs').readFileSync(__filename, 'utf8').split('\n').slice(1, 16).join('\n'),
        );
        process.exit(0);
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  if (!(o.messages > 0)) throw new Error('--messages must be > 0');
  return o;
}

const CLIENTS = {
  kafkajs: { pkg: 'kafkajs', run: runKafkaJs },
  platformatic: { pkg: '@platformatic/kafka', run: runPlatformatic },
  confluent: { pkg: '@confluentinc/kafka-javascript', run: runConfluent },
};

// Read package.json from disk: some packages (@platformatic/kafka) do not export ./package.json.
function installedVersion(pkg) {
  const fs = require('node:fs');
  const path = require('node:path');
  for (const dir of require.resolve.paths(pkg) || []) {
    const f = path.join(dir, pkg, 'package.json');
    if (fs.existsSync(f)) return JSON.parse(fs.readFileSync(f, 'utf8')).version;
  }
  return null;
}

// ---------------------------------------------------------------- workload
const log = (...a) => console.error('[bench]', ...a);
const nowMs = () => performance.timeOrigin + performance.now(); // wall clock, sub-ms resolution

function makeValue(id, sagaId, step, payloadBytes) {
  const base = {
    id,
    sagaId,
    step,
    type: 'SagaStepRequested',
    occurredAt: new Date().toISOString(),
    data: { pad: '' },
  };
  const len = Buffer.byteLength(JSON.stringify(base));
  base.data.pad = 'x'.repeat(Math.max(0, payloadBytes - len));
  return JSON.stringify(base);
}

// Closed-loop producer: `concurrency` workers, each awaits one send (1-4 messages, one saga key) at a time.
// sendFn(key, messages[{key, value, headers{}}]) -> Promise
async function produceAll(opts, sendFn) {
  let next = 0;
  let sends = 0;
  const worker = async () => {
    while (next < opts.messages) {
      const n = Math.min(1 + Math.floor(Math.random() * 4), opts.messages - next);
      const first = next;
      next += n;
      const sagaId = crypto.randomUUID();
      const msgs = [];
      for (let i = 0; i < n; i++) {
        const id = first + i;
        msgs.push({
          key: sagaId,
          value: makeValue(id, sagaId, i, opts.payloadBytes),
          headers: {
            'x-saga-id': sagaId,
            'x-message-type': 'SagaStepRequested',
            'x-sent-at': nowMs().toFixed(3),
          },
        });
      }
      await sendFn(sagaId, msgs);
      sends++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return sends;
}

// Shared consumer-side bookkeeping.
function makeSink(opts) {
  const seen = new Uint8Array(opts.messages);
  const lat = new Float64Array(opts.messages * 2); // room for duplicates
  const lastOffset = new Map(); // partition -> highest consumed offset (bigint)
  const s = {
    unique: 0,
    total: 0,
    duplicates: 0,
    batches: 0,
    commits: 0,
    nLat: 0,
    warm: 0,
    warmWaiter: null,
    doneResolve: null,
    done: null,
    lastOffset,
    // headerGet(name) -> string ; value string
    record(partition, offset, value, sentAtStr, now) {
      const v = JSON.parse(value);
      const prev = lastOffset.get(partition);
      if (prev === undefined || offset > prev) lastOffset.set(partition, offset);
      if (v.warmup) {
        s.warm++;
        return;
      }
      s.total++;
      if (v.id >= 0 && v.id < opts.messages) {
        if (seen[v.id]) s.duplicates++;
        else {
          seen[v.id] = 1;
          s.unique++;
        }
      }
      if (s.nLat < lat.length) lat[s.nLat++] = now - Number(sentAtStr);
      if (process.env.BENCH_TRACE && v.id % 100 === 0)
        console.error(
          '[trace] id',
          v.id,
          'p',
          partition,
          'lat',
          (now - Number(sentAtStr)).toFixed(1),
        );
    },
    batchDone() {
      if (s.warmWaiter && s.warm >= opts.partitions) {
        const r = s.warmWaiter;
        s.warmWaiter = null;
        r();
      }
      s.batches++;
      if (s.unique >= opts.messages && s.doneResolve) {
        const r = s.doneResolve;
        s.doneResolve = null;
        r();
      }
    },
    percentile(p) {
      if (s.nLat === 0) return null;
      const a = lat.subarray(0, s.nLat).slice().sort();
      return +a[Math.min(a.length - 1, Math.floor(p * a.length))].toFixed(2);
    },
  };
  s.done = new Promise((res) => {
    s.doneResolve = res;
  });
  return s;
}

// The eachBatch of the KafkaJS API, which kafkajs and @confluentinc/kafka-javascript share:
// record every message, then commit the partition batch's offsets by hand.
function kafkaJsEachBatch(consumer, topic, sink, commits) {
  return async ({ batch }) => {
    if (batch.messages.length === 0) return;
    const now = nowMs();
    for (const m of batch.messages) {
      sink.record(
        batch.partition,
        BigInt(m.offset),
        m.value.toString(),
        m.headers['x-sent-at'].toString(),
        now,
      );
    }
    const last = BigInt(batch.messages[batch.messages.length - 1].offset);
    await commits.track(
      consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(last + 1n) }]),
    );
    sink.batchDone();
  };
}

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p,
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`timeout: ${what} after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

// Generic driver: setup -> measured window (produce + consume) -> verify -> teardown.
async function measure(name, opts, impl) {
  const topic = `kc-bench-${name}-${crypto.randomBytes(4).toString('hex')}`;
  const groupId = `${topic}-g`;
  const sink = makeSink(opts);
  const result = {
    client: name,
    version: installedVersion(CLIENTS[name].pkg),
    messages: opts.messages,
  };
  const tSetup = performance.now();
  await impl.setup({ topic, groupId, sink });
  // Warm-up: one message per partition, sent one after another, and wait until all are consumed, so that
  // connections, metadata, group assignment and the fetch loop are live before the measured window starts.
  const warmed = new Promise((res) => {
    sink.warmWaiter = res;
  });
  for (let p = 0; p < opts.partitions; p++) {
    const v = JSON.stringify({ warmup: true, partition: p });
    await impl.send('warmup', [
      {
        key: `warmup-${p}`,
        value: v,
        partition: p,
        headers: {
          'x-saga-id': 'warmup',
          'x-message-type': 'Warmup',
          'x-sent-at': nowMs().toFixed(3),
        },
      },
    ]);
  }
  await withTimeout(warmed, 60000, 'warm-up consume');
  await impl.drainCommits();
  sink.batches = 0;
  sink.commits = 0;
  sink.nLat = 0;
  result.setup_s = +((performance.now() - tSetup) / 1000).toFixed(2);
  let error = null;
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let tProd;
    if (process.env.BENCH_TRACE) log('t0', t0.toFixed(1));
    const prod = produceAll(opts, impl.send).then((sends) => {
      tProd = performance.now();
      result.sends = sends;
    });
    await withTimeout(Promise.all([prod, sink.done]), opts.timeoutS * 1000, 'produce+consume');
    await impl.drainCommits();
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const secs = (t1 - t0) / 1000;
    Object.assign(result, {
      secs: +secs.toFixed(3),
      msgs_per_s: Math.round(opts.messages / secs),
      produce_secs: +((tProd - t0) / 1000).toFixed(3),
      e2e_p50_ms: sink.percentile(0.5),
      e2e_p99_ms: sink.percentile(0.99),
      e2e_max_ms: sink.percentile(1),
      cpu_us_per_msg: +((cpu.user + cpu.system) / opts.messages).toFixed(1),
    });
  } catch (e) {
    error = e;
    result.error = errSummary(e);
    log(name, 'run failed:', require('node:util').inspect(e, { depth: 6 }));
  }
  Object.assign(result, {
    consumed_unique: sink.unique,
    consumed_total: sink.total,
    duplicates: sink.duplicates,
    batches: sink.batches,
    avg_batch: sink.batches ? +(sink.total / sink.batches).toFixed(1) : 0,
    commits: sink.commits,
  });
  // Verify that the group's committed offsets equal (highest consumed offset + 1) on every partition.
  // Polls for up to 10 s: @confluentinc/kafka-javascript's KafkaJS commitOffsets() resolves once librdkafka has
  // *queued* the commit (commitAsync), not when the broker acknowledged it; commit_settle_ms shows the gap.
  try {
    const tv = performance.now();
    let ok = false,
      committed;
    for (;;) {
      committed = await withTimeout(impl.committedOffsets(), 30000, 'fetch committed offsets'); // Map partition -> bigint
      ok = sink.lastOffset.size > 0;
      for (const [p, off] of sink.lastOffset) if (committed.get(p) !== off + 1n) ok = false;
      if (ok || performance.now() - tv > 10000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    result.commits_verified = ok;
    result.commit_settle_ms = Math.round(performance.now() - tv);
    if (!ok)
      log(
        name,
        'committed',
        [...committed],
        'expected',
        [...sink.lastOffset].map(([p, o]) => [p, o + 1n]),
      );
  } catch (e) {
    result.commits_verified = `error: ${e.message}`;
  }
  result.rss_mb = Math.round(process.memoryUsage().rss / 1048576);
  try {
    await withTimeout(impl.teardown(), 60000, 'teardown');
  } catch (e) {
    log(name, 'teardown failed:', e.message);
  }
  if (!error && sink.unique !== opts.messages)
    result.error = `consumed ${sink.unique}/${opts.messages}`;
  return result;
}

// One-line error text including nested causes (AggregateError.errors, .cause) and Kafka error names (apiId/type).
function errSummary(e) {
  const parts = [];
  const walk = (x, depth) => {
    if (!x || depth > 6) return;
    const tag = x.apiId || x.type;
    parts.push(tag ? `${x.message} [${tag}]` : String(x.message || x));
    for (const c of x.errors || []) walk(c, depth + 1);
    if (x.cause) walk(x.cause, depth + 1);
  };
  walk(e, 0);
  return [...new Set(parts)].join(' <- ');
}

// Tracks in-flight commit promises so the measured window includes the last commit.
function commitTracker(sink) {
  const inflight = new Set();
  return {
    track(p) {
      sink.commits++;
      inflight.add(p);
      p.finally(() => inflight.delete(p)).catch(() => {});
      return p;
    },
    async drain() {
      while (inflight.size) await Promise.all([...inflight]);
    },
  };
}

// ---------------------------------------------------------------- kafkajs
async function runKafkaJs(opts) {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const { Kafka, logLevel } = require('kafkajs');
  // kafkajs logs to stdout by default; send its log lines to stderr so stdout carries only the result line.
  const logCreator =
    () =>
    ({ namespace, level, log: entry }) => {
      const { message, ...extra } = entry;
      console.error(`[kafkajs ${level}] ${namespace}: ${message} ${JSON.stringify(extra)}`);
    };
  const kafka = new Kafka({
    clientId: 'kc-bench',
    brokers: [opts.broker],
    logLevel: logLevel.WARN,
    logCreator,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // acks -1 passed per send
  let consumer, topic, groupId, commits;
  return measure('kafkajs', opts, {
    async setup(ctx) {
      ({ topic, groupId } = ctx);
      const sink = ctx.sink;
      commits = commitTracker(sink);
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic, numPartitions: opts.partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      await producer.connect();
      consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const joined = new Promise((res) => consumer.on(consumer.events.GROUP_JOIN, res));
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: opts.partitionsConcurrency,
        eachBatch: kafkaJsEachBatch(consumer, topic, sink, commits),
      });
      await withTimeout(joined, 60000, 'group join');
    },
    send: (key, msgs) => producer.send({ topic, acks: -1, messages: msgs }),
    drainCommits: () => commits.drain(),
    async committedOffsets() {
      const res = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map(res[0].partitions.map((p) => [p.partition, BigInt(p.offset)]));
    },
    async teardown() {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch((e) => log('deleteTopics', e.message));
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.disconnect();
    },
  });
}

// ---------------------------------------------------------------- @platformatic/kafka
async function runPlatformatic(opts) {
  const k = await import('@platformatic/kafka');
  const base = { clientId: 'kc-bench', bootstrapBrokers: [opts.broker] };
  const admin = new k.Admin(base);
  const producer = new k.Producer({
    ...base,
    idempotent: true,
    acks: k.ProduceAcks.ALL,
    serializers: k.stringSerializers,
  });
  let consumer, stream, topic, groupId, commits;
  const toPlt = (m) => {
    const out = { topic, key: m.key, value: m.value, headers: m.headers };
    if (m.partition !== undefined) out.partition = m.partition;
    return out;
  };
  return measure('platformatic', opts, {
    async setup(ctx) {
      ({ topic, groupId } = ctx);
      const sink = ctx.sink;
      commits = commitTracker(sink);
      await admin.createTopics({ topics: [topic], partitions: opts.partitions, replicas: 1 });
      await producer.initIdempotentProducer({}); // so producer id init is outside the measured window
      consumer = new k.Consumer({
        ...base,
        groupId,
        deserializers: k.stringDeserializers,
        autocommit: false,
        maxWaitTime: 500,
      });
      const joined = new Promise((res) => consumer.once('consumer:group:join', res));
      stream = await consumer.consume({
        topics: [topic],
        autocommit: false,
        mode: k.MessagesStreamModes.COMMITTED,
        fallbackMode: k.MessagesStreamFallbackModes.EARLIEST,
      });
      stream.on('error', (e) => log('platformatic stream error', e));
      // Batch = everything currently buffered in the stream; one commit request per batch.
      let busy = false;
      const drain = async () => {
        if (busy) return;
        busy = true;
        try {
          for (;;) {
            const batch = [];
            let m;
            while ((m = stream.read()) !== null) batch.push(m);
            if (batch.length === 0) break;
            const now = nowMs();
            const last = new Map();
            for (const msg of batch) {
              sink.record(msg.partition, msg.offset, msg.value, msg.headers.get('x-sent-at'), now);
              const prev = last.get(msg.partition);
              if (prev === undefined || msg.offset > prev) last.set(msg.partition, msg.offset);
            }
            const offsets = [...last].map(([partition, off]) => ({
              topic,
              partition,
              offset: off + 1n,
              leaderEpoch: -1,
            }));
            await commits.track(consumer.commit({ offsets }));
            sink.batchDone();
          }
        } catch (e) {
          log('platformatic consume error', e);
        } finally {
          busy = false;
        }
      };
      stream.on('readable', drain);
      if (process.env.BENCH_TRACE) {
        for (const ev of ['fetch', 'offsets'])
          stream.on(ev, () => console.error('[trace]', ev, performance.now().toFixed(1)));
        consumer.on('consumer:group:join', () =>
          console.error('[trace] join', performance.now().toFixed(1)),
        );
      }
      await withTimeout(joined, 60000, 'group join').catch(() =>
        log('no consumer:group:join event seen; continuing'),
      );
    },
    // Workaround (default on): @platformatic/kafka 1.x builds each produce request (with its idempotent sequence
    // numbers) before queueing it and advances the sequence only when the response arrives, so concurrent send()
    // calls to one partition reuse sequence numbers -> OUT_OF_ORDER_SEQUENCE_NUMBER, or for equal-sized batches
    // the broker's DUPLICATE handling acks them without writing (silent loss). Serialize send() calls, which is
    // what kafkajs does internally for its idempotent producer (per-broker lock).
    send: opts.platformaticUnsafeConcurrent
      ? (key, msgs) => producer.send({ messages: msgs.map(toPlt) })
      : (() => {
          let tail = Promise.resolve();
          return (key, msgs) => {
            const p = tail.then(() => producer.send({ messages: msgs.map(toPlt) }));
            tail = p.catch(() => {});
            return p;
          };
        })(),
    drainCommits: () => commits.drain(),
    async committedOffsets() {
      const res = await consumer.listCommittedOffsets({
        topics: [{ topic, partitions: [...Array(opts.partitions).keys()] }],
      });
      const arr = res.get(topic) || [];
      return new Map(arr.map((o, i) => [i, BigInt(o)]));
    },
    async teardown() {
      await stream.close();
      await consumer.close(true);
      await producer.close();
      await admin.deleteTopics({ topics: [topic] }).catch((e) => log('deleteTopics', e.message));
      await admin.deleteGroups({ groups: [groupId] }).catch(() => {});
      await admin.close();
    },
  });
}

// ---------------------------------------------------------------- @confluentinc/kafka-javascript (KafkaJS API)
async function runConfluent(opts) {
  const { Kafka, logLevel } = require('@confluentinc/kafka-javascript').KafkaJS;
  const kafka = new Kafka({
    kafkaJS: { clientId: 'kc-bench', brokers: [opts.broker], logLevel: logLevel.WARN },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    'linger.ms': opts.confluentLingerMs,
    kafkaJS: { idempotent: true, acks: -1, maxInFlightRequests: 5 },
  });
  let consumer, topic, groupId, commits;
  return measure('confluent', opts, {
    async setup(ctx) {
      ({ topic, groupId } = ctx);
      const sink = ctx.sink;
      commits = commitTracker(sink);
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic, numPartitions: opts.partitions, replicationFactor: 1 }],
      });
      await producer.connect();
      consumer = kafka.consumer({
        kafkaJS: { groupId, fromBeginning: true, autoCommit: false, maxWaitTimeInMs: 500 },
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: opts.partitionsConcurrency,
        eachBatch: kafkaJsEachBatch(consumer, topic, sink, commits),
      });
      const deadline = Date.now() + 60000;
      while (consumer.assignment().length === 0) {
        if (Date.now() > deadline) throw new Error('confluent: no assignment after 60 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    send: (key, msgs) => producer.send({ topic, messages: msgs }),
    drainCommits: () => commits.drain(),
    async committedOffsets() {
      const res = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map(res[0].partitions.map((p) => [p.partition, BigInt(p.offset)]));
    },
    async teardown() {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch((e) => log('deleteTopics', e.message));
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.disconnect();
    },
  });
}

// ---------------------------------------------------------------- main
async function main() {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv);
  if (opts.client === 'all') {
    const names = Object.keys(CLIENTS).filter((n) => installedVersion(CLIENTS[n].pkg));
    const skipped = Object.keys(CLIENTS).filter((n) => !names.includes(n));
    if (skipped.length) log('not installed, skipped:', skipped.join(', '));
    let failed = 0;
    for (const n of names) {
      const rest = [];
      for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--client') i++;
        else rest.push(argv[i]);
      }
      const code = await new Promise((res) =>
        fork(__filename, ['--client', n, ...rest], { stdio: 'inherit' }).on('exit', res),
      );
      if (code !== 0) failed++;
    }
    process.exitCode = failed ? 1 : 0;
    return;
  }
  const c = CLIENTS[opts.client];
  if (!c) throw new Error(`unknown client ${opts.client}`);
  if (!installedVersion(c.pkg)) throw new Error(`${c.pkg} is not installed`);
  const res = await c.run(opts);
  process.stdout.write(JSON.stringify(res) + '\n');
  process.exitCode = res.error ? 1 : 0;
  // Some clients keep timers/threads alive briefly after close; do not wait for them.
  setTimeout(() => process.exit(), 200).unref();
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
