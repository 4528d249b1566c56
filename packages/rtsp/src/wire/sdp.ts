/** One media section of an SDP description: its control URL (relative or absolute) and RTP clock rate. */
export interface SdpTrack {
  readonly control: string | undefined;
  readonly clockRate: number | undefined;
}

/** Reads `a=control` and the first `a=rtpmap` clock rate of every `m=` section. */
export function parseSdpTracks(sdp: string): SdpTrack[] {
  const tracks: { control: string | undefined; clockRate: number | undefined }[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) tracks.push({ control: undefined, clockRate: undefined });
    const track = tracks.at(-1);
    if (!track) continue;
    if (line.startsWith('a=control:')) track.control = line.slice('a=control:'.length).trim();
    const rtpmap = /^a=rtpmap:\d+ [^/]+\/(\d+)/.exec(line);
    if (rtpmap && track.clockRate === undefined) track.clockRate = Number(rtpmap[1]);
  }
  return tracks;
}
