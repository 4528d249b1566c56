import type { MeterProvider } from '@opentelemetry/api';
import { fluxInstruments, type BoundInstrument, type FluxRegistry } from '@flux-metrics/core';

const PROTOCOL = { protocol: 'rtsp' } as const;

/** The catalog instruments the RTSP helper records, resolved once per helper (never at import time). */
export class RtspInstruments {
  readonly activeConnections: BoundInstrument;
  readonly connectionsOpened: BoundInstrument;
  readonly connectionsClosed: BoundInstrument;
  readonly connectionSetup: BoundInstrument;
  readonly activeStreams: BoundInstrument;
  readonly streamStart: BoundInstrument;
  readonly processing: BoundInstrument;
  readonly packetLatency: BoundInstrument;
  readonly rtt: BoundInstrument;
  readonly requests;
  readonly requestDuration;
  readonly sessionDuration;
  readonly errors;
  readonly streamStarted;
  readonly streamStopped;
  readonly packetsSent;
  readonly packetsReceived;
  readonly bytesSent;
  readonly bytesReceived;
  readonly packetsLost;
  readonly rtcpPackets;
  readonly jitter;

  constructor(provider?: MeterProvider | FluxRegistry) {
    const all: FluxRegistry = fluxInstruments(provider);
    this.activeConnections = all.get('active_connections').bind(PROTOCOL);
    this.connectionsOpened = all.get('connections_opened_total').bind(PROTOCOL);
    this.connectionsClosed = all.get('connections_closed_total').bind(PROTOCOL);
    this.connectionSetup = all.get('connection_setup_duration_seconds').bind(PROTOCOL);
    this.activeStreams = all.get('active_streams').bind(PROTOCOL);
    this.streamStart = all.get('stream_start_duration_seconds').bind(PROTOCOL);
    this.processing = all.get('stream_processing_duration_seconds').bind(PROTOCOL);
    this.packetLatency = all.get('packet_latency_seconds').bind(PROTOCOL);
    this.rtt = all.get('rtt_seconds').bind(PROTOCOL);
    this.requests = all.get('rtsp_requests_total');
    this.requestDuration = all.get('rtsp_request_duration_seconds');
    this.sessionDuration = all.get('rtsp_session_duration_seconds');
    this.errors = all.get('errors_total');
    this.streamStarted = all.get('stream_started_total');
    this.streamStopped = all.get('stream_stopped_total');
    this.packetsSent = all.get('packets_sent_total');
    this.packetsReceived = all.get('packets_received_total');
    this.bytesSent = all.get('bytes_sent_total');
    this.bytesReceived = all.get('bytes_received_total');
    this.packetsLost = all.get('packets_lost_total');
    this.rtcpPackets = all.get('rtcp_packets_total');
    this.jitter = all.get('rtsp_rtp_jitter_seconds');
  }
}
