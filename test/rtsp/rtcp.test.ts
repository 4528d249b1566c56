import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ntpMiddle32, readReportBlocks, roundTripSeconds, type ReportBlock } from '@flux-metrics/rtsp';

function block(ssrc: number, lostWord: number, jitter: number, lsr: number, dlsr: number): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32BE(ssrc, 0);
  b.writeUInt32BE(lostWord >>> 0, 4);
  b.writeUInt32BE(1000, 8);
  b.writeUInt32BE(jitter, 12);
  b.writeUInt32BE(lsr, 16);
  b.writeUInt32BE(dlsr, 20);
  return b;
}

function packet(type: number, blocks: Buffer[], senderInfo = false): Buffer {
  const head = Buffer.alloc(senderInfo ? 28 : 8);
  head.writeUInt8(0x80 | blocks.length, 0);
  head.writeUInt8(type, 1);
  head.writeUInt16BE((head.length + 24 * blocks.length) / 4 - 1, 2);
  return Buffer.concat([head, ...blocks]);
}

const read = (bytes: Uint8Array) => {
  const blocks: ReportBlock[] = [];
  readReportBlocks(bytes, (b) => blocks.push(b));
  return blocks;
};

test('report blocks of SR and RR packets in a compound packet, with SDES after them', () => {
  const sdes = Buffer.from('81ca00020000000100000000', 'hex'); // SDES with an empty chunk
  const compound = Buffer.concat([
    packet(200, [block(1, (64 << 24) | 5, 90, 0, 0), block(2, 0, 0, 0, 0)], true),
    packet(201, [block(3, 0x00ff_fffe, 450, 7, 8)]), // cumulative lost is a signed 24-bit field: −2
    sdes,
  ]);
  const blocks = read(compound);
  assert.deepEqual(
    blocks.map((b) => [b.ssrc, b.fractionLost, b.cumulativeLost, b.jitter, b.lastSr, b.delaySinceLastSr]),
    [
      [1, 0.25, 5, 90, 0, 0],
      [2, 0, 0, 0, 0, 0],
      [3, 0, -2, 450, 7, 8],
    ],
  );
});

test('truncated, empty or non-RTCP input yields no blocks and never throws', () => {
  const rr = packet(201, [block(3, 1, 2, 3, 4)]);
  for (let cut = 0; cut < rr.length; cut++) assert.deepEqual(read(rr.subarray(0, cut)), []);
  assert.deepEqual(read(Buffer.alloc(64)), []); // version 0
  assert.deepEqual(read(new Uint8Array(0)), []);
});

test('RTT is arrival − LSR − DLSR in NTP middle-32 units, undefined without an SR or with a wrapped result', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
  const lsr = ntpMiddle32(now - 250);
  const base = { ssrc: 1, fractionLost: 0, cumulativeLost: 0, jitter: 0 };
  const rtt = roundTripSeconds({ ...base, lastSr: lsr, delaySinceLastSr: 0.05 * 65536 }, now);
  assert.ok(rtt !== undefined && Math.abs(rtt - 0.2) < 0.001, `rtt ${rtt}`);
  assert.equal(roundTripSeconds({ ...base, lastSr: 0, delaySinceLastSr: 0 }, now), undefined);
  assert.equal(
    roundTripSeconds({ ...base, lastSr: ntpMiddle32(now + 1000), delaySinceLastSr: 0 }, now),
    undefined,
  );
});
