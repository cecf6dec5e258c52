#!/usr/bin/env bash
# Generates the synthetic test streams every example, demo and test plays, into
# examples/media/streams/ (gitignored). Pure ffmpeg (lavfi testsrc2 + sine), nothing downloaded.
#
# Usage: examples/media/generate.sh [--force] [--out DIR] [STREAM...]
#   --force   regenerate the named streams even if they exist (no names: everything, sources too)
#   --out     output root (default: examples/media/streams next to this script)
#   STREAM    only these kinds (hls-ts hls-fmp4 hls-byterange hls-audio dash-number dash-timeline
#             dash-list dash-base; default: all)
#
# How it works, and why:
# 1. The picture and sound are encoded ONCE into "sources" (one H.264 MP4 per video rendition, one
#    AAC file per audio language) with a fixed GOP of exactly one segment (no scene-cut keyframes).
#    Every stream kind is then a cheap `-c copy` remux of these sources, so all kinds share identical
#    frames and segment boundaries, and adding a kind costs seconds, not another encode.
# 2. Each stream kind is one function `generate_<kind>` (dashes become underscores) that fills an
#    empty directory and describes itself in `stream.json`. It is built in a temporary directory and
#    moved into place only when complete, so an interrupted run never leaves a half stream that
#    later runs would skip. Adding a kind (e.g. DASH) = one function + one entry in STREAM_KINDS.
# 3. manifest.json (read by tests and demos) is assembled from the stream.json of every kind.
# 4. Master playlists are written here, not by ffmpeg, so BANDWIDTH is the measured peak segment
#    bitrate (as RFC 8216 requires) and CODECS comes from the encoded SPS.
# 5. Every stream folder gets the origin's trusted segment hashes, `segments-sha256.json`, and its
#    Ed25519 signature `segments-sha256.json.sig` (tools/hash-manifest, docs/INTEGRITY.md), signed
#    with a demo key made once per streams folder: the private key in the repository's `.cache/`
#    (outside every folder the demo origin serves; never committed), the public key in the streams
#    folder's `hashes-public-key.txt` for demos and tests. A stream whose hashes
#    are missing or signed with another key is hashed again without regenerating its media, so
#    existing checkouts gain them on the next run.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/../.." && pwd)"
OUT_DIR="$SCRIPT_DIR/streams"
FORCE=0
FORCE_SOURCES=0
REQUESTED_KINDS=()

# Long enough for a live DASH session (which plays the VOD once) of 180 s per viewer in the bench.
DURATION_SEC=240
SEGMENT_SEC=2
FPS=25
GOP_FRAMES=$((FPS * SEGMENT_SEC))
AUDIO_SAMPLE_RATE=48000
AUDIO_KBPS=64
# AAC-LC, what ffmpeg's native `aac` encoder produces.
AUDIO_CODEC='mp4a.40.2'
# Written next to everything generated; output with another stamp is generated again, so a change
# of duration or of what the playlists say reaches existing checkouts without --force.
# Bump the trailing revision when a generator changes its output.
GENERATOR_STAMP="duration ${DURATION_SEC}s, segments ${SEGMENT_SEC}s, revision 2"

# Video ladder: "name width height kbps". Small sizes keep generation and tests fast on 2 cores.
VIDEO_LADDER=(
  '144p 256 144 200'
  '240p 426 240 400'
  '360p 640 360 800'
)
# Audio tracks: "language frequencyHz name". Distinct tones make a wrong track audible.
AUDIO_TRACKS=(
  'en 440 English'
  'fr 660 French'
)
# Every kind this script can generate, in manifest order. Each needs a `generate_<kind>` function.
STREAM_KINDS=(hls-ts hls-fmp4 hls-byterange hls-audio dash-number dash-timeline dash-list dash-base)

log() { printf '[generate] %s\n' "$*" >&2; }
die() {
  printf '[generate] error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Sources: encoded once, remuxed by every stream kind.
# ---------------------------------------------------------------------------------------------

sources_dir() { printf '%s/.sources' "$OUT_DIR"; }

# The `name width height kbps` ladder entry called $1.
ladder_entry() {
  local entry
  for entry in "${VIDEO_LADDER[@]}"; do
    if [[ ${entry%% *} == "$1" ]]; then
      printf '%s' "$entry"
      return
    fi
  done
  die "unknown video rendition '$1'"
}

encode_sources() {
  local dir
  dir="$(sources_dir)"
  if [[ -f $dir/complete && $(<"$dir/complete") == "$GENERATOR_STAMP" && $FORCE_SOURCES -eq 0 ]]; then
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  log "encoding sources (${DURATION_SEC}s, ${SEGMENT_SEC}s GOP) into $dir"

  # One decode of testsrc2 feeds every rendition (split + scale), in a single ffmpeg process.
  local filter outputs=() i entry name width height kbps
  filter="[0:v]split=${#VIDEO_LADDER[@]}"
  for i in "${!VIDEO_LADDER[@]}"; do filter+="[s$i]"; done
  for i in "${!VIDEO_LADDER[@]}"; do
    read -r name width height kbps <<<"${VIDEO_LADDER[$i]}"
    filter+=";[s$i]scale=${width}:${height}[v$i]"
    # Fixed GOP: keyint = min-keyint = one segment and no scene-cut keyframes, so every segment
    # starts on a keyframe at exactly k*SEGMENT_SEC. No B-frames keeps PTS == DTS (simpler remux).
    outputs+=(
      -map "[v$i]" -c:v libx264 -preset veryfast -profile:v main -level:v 3.0 -pix_fmt yuv420p
      -bf 0 -g "$GOP_FRAMES" -keyint_min "$GOP_FRAMES" -sc_threshold 0
      -x264-params "scenecut=0:open-gop=0"
      -b:v "${kbps}k" -maxrate "$((kbps * 5 / 4))k" -bufsize "$((kbps * 2))k"
      -threads 2 -movflags +faststart "$dir/video-$name.mp4"
    )
  done
  # The source picture has the size of the largest rendition (the ladder's last entry).
  read -r _ width height _ <<<"${VIDEO_LADDER[${#VIDEO_LADDER[@]} - 1]}"
  ffmpeg -hide_banner -loglevel error -nostdin -y \
    -f lavfi -i "testsrc2=size=${width}x${height}:rate=${FPS}:duration=${DURATION_SEC}" \
    -filter_complex "$filter" "${outputs[@]}"

  # The AAC encoder prepends one priming frame (1024 samples) that the remuxed segments keep as a
  # real frame: generate one frame less of tone so priming + tone is exactly DURATION_SEC (else
  # audio-only playlists end with a stray 21 ms segment and differ in segment count).
  local lang frequency tone_sec
  tone_sec="$(awk -v d="$DURATION_SEC" -v r="$AUDIO_SAMPLE_RATE" 'BEGIN { printf "%.6f", d - 1024 / r }')"
  for entry in "${AUDIO_TRACKS[@]}"; do
    read -r lang frequency _ <<<"$entry"
    ffmpeg -hide_banner -loglevel error -nostdin -y \
      -f lavfi -i "sine=frequency=${frequency}:beep_factor=4:sample_rate=${AUDIO_SAMPLE_RATE}:duration=${tone_sec}" \
      -c:a aac -b:a "${AUDIO_KBPS}k" -threads 2 "$dir/audio-$lang.m4a"
  done
  printf '%s' "$GENERATOR_STAMP" >"$dir/complete"
}

# RFC 6381 codec string of an H.264 MP4, read from its avcC box (profile, constraints, level).
avc_codec_string() {
  local file=$1 offset
  offset="$(grep -obUa avcC "$file" | head -n1 | cut -d: -f1)"
  [[ -n $offset ]] || die "no avcC box in $file"
  printf 'avc1.%s' "$(od -An -tx1 -j $((offset + 5)) -N3 "$file" | tr -d ' \n')"
}

# ---------------------------------------------------------------------------------------------
# HLS building blocks
# ---------------------------------------------------------------------------------------------

# Remuxes sources into one HLS media playlist `index.m3u8` in directory $1.
# $2: segment layout: ts | fmp4 | ts-single-file (EXT-X-BYTERANGE into one media.ts)
# $3...: source files (video and/or audio), mapped in order.
hls_rendition() {
  local dir=$1 layout=$2
  shift 2
  local inputs=() maps=() source index=0
  for source in "$@"; do
    inputs+=(-i "$source")
    maps+=(-map "$index")
    index=$((index + 1))
  done
  local layout_options=()
  case $layout in
    ts) layout_options=(-hls_segment_type mpegts -hls_segment_filename 'seg_%03d.ts') ;;
    fmp4)
      layout_options=(-hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4
        -hls_segment_filename 'seg_%03d.m4s')
      ;;
    ts-single-file)
      layout_options=(-hls_segment_type mpegts -hls_flags single_file
        -hls_segment_filename media.ts)
      ;;
    *) die "unknown HLS layout '$layout'" ;;
  esac
  mkdir -p "$dir"
  # Relative names (run inside $dir) keep every URI in the playlist relative to the playlist.
  (
    cd "$dir"
    ffmpeg -hide_banner -loglevel error -nostdin -y "${inputs[@]}" "${maps[@]}" -c copy \
      -f hls -hls_time "$SEGMENT_SEC" -hls_list_size 0 -hls_playlist_type vod \
      "${layout_options[@]}" index.m3u8
  )
}

# "peakBps averageBps segmentCount" of a media playlist: bits of each segment (file size or
# EXT-X-BYTERANGE length) over its EXTINF duration.
hls_playlist_bitrates() {
  local playlist=$1
  awk -v dir="$(dirname "$playlist")" '
    /^#EXTINF:/ { sub(/^#EXTINF:/, ""); split($0, parts, ","); duration = parts[1] + 0; next }
    /^#EXT-X-BYTERANGE:/ { sub(/^#EXT-X-BYTERANGE:/, ""); split($0, parts, "@"); length_ = parts[1] + 0; next }
    /^#/ || /^[[:space:]]*$/ { next }
    {
      bytes = length_
      if (bytes == 0) {
        command = "stat -c %s \"" dir "/" $0 "\""
        command | getline bytes
        close(command)
      }
      bits = bytes * 8
      if (bits / duration > peak) peak = bits / duration
      total_bits += bits; total_duration += duration; count++
      length_ = 0
    }
    END { printf "%d %d %d\n", peak, total_bits / total_duration, count }
  ' "$playlist"
}

# Writes a stream.json fragment: $1 stream dir, $2 kind, $3 protocol, $4 segment container,
# $5 master path (relative to the stream dir), then rendition JSON objects.
write_stream_json() {
  local dir=$1 name=$2 protocol=$3 container=$4 master=$5
  shift 5
  local renditions
  renditions="$(IFS=,; printf '%s' "$*")"
  printf '{"name":"%s","protocol":"%s","container":"%s","master":"%s/%s","segmentDurationSec":%s,"durationSec":%s,"renditions":[%s]}\n' \
    "$name" "$protocol" "$container" "$name" "$master" "$SEGMENT_SEC" "$DURATION_SEC" \
    "$renditions" >"$dir/stream.json"
}

# JSON object of one rendition: $1 stream name, $2 playlist path relative to the stream dir,
# $3 type (video|audio), $4 extra JSON members (may be empty), computed from the playlist in $5.
rendition_json() {
  local name=$1 path=$2 type=$3 extra=$4 playlist=$5 peak average count
  read -r peak average count <<<"$(hls_playlist_bitrates "$playlist")"
  printf '{"type":"%s","playlist":"%s/%s","segmentCount":%d,"peakBandwidth":%d,"averageBandwidth":%d%s}' \
    "$type" "$name" "$path" "$count" "$peak" "$average" "${extra:+,$extra}"
}

# A video(+muxed audio) HLS stream: one rendition per ladder entry. $1 dir, $2 name, $3 layout,
# $4 container label, $5 "muxed" to mux the first audio track into every rendition, $6... ladder names.
generate_hls_variants() {
  local dir=$1 name=$2 layout=$3 container=$4 audio=$5
  shift 5
  local master="$dir/master.m3u8" renditions=() rendition entry width height sources codecs
  local peak average count first_audio_lang captions=',CLOSED-CAPTIONS=NONE'
  first_audio_lang="${AUDIO_TRACKS[0]%% *}"
  # These streams have no captions, and their masters say so (Apple's authoring rules ask for it):
  # without CLOSED-CAPTIONS, Shaka downloads a whole video segment while it parses the playlists,
  # to look for CEA-608 captions, outside the P2P engine. The byte-range stream leaves it out on
  # purpose, so that the tests keep covering that request (no segment context, a byte range).
  [[ $layout == ts-single-file ]] && captions=''
  printf '#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-INDEPENDENT-SEGMENTS\n' \
    "$([[ $layout == fmp4 ]] && echo 7 || echo 4)" >"$master"
  for rendition in "$@"; do
    entry="$(ladder_entry "$rendition")"
    read -r _ width height _ <<<"$entry"
    sources=("$(sources_dir)/video-$rendition.mp4")
    codecs="$(avc_codec_string "${sources[0]}")"
    if [[ $audio == muxed ]]; then
      sources+=("$(sources_dir)/audio-$first_audio_lang.m4a")
      codecs+=",$AUDIO_CODEC"
    fi
    hls_rendition "$dir/$rendition" "$layout" "${sources[@]}"
    read -r peak average count <<<"$(hls_playlist_bitrates "$dir/$rendition/index.m3u8")"
    printf '#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,FRAME-RATE=%d.000,CODECS="%s"%s\n%s/index.m3u8\n' \
      "$peak" "$average" "$width" "$height" "$FPS" "$codecs" "$captions" "$rendition" >>"$master"
    renditions+=("$(rendition_json "$name" "$rendition/index.m3u8" video \
      "\"resolution\":\"${width}x${height}\",\"codecs\":\"$codecs\"" "$dir/$rendition/index.m3u8")")
  done
  write_stream_json "$dir" "$name" hls "$container" master.m3u8 "${renditions[@]}"
  verify_hls_stream "$dir"
}

# Fails unless every media playlist under $1 has the same segment count, segments of about
# SEGMENT_SEC each, and (per ffprobe) decodable media lasting about DURATION_SEC.
verify_hls_stream() {
  local dir=$1 playlist counts='' count duration
  for playlist in "$dir"/*/index.m3u8; do
    count="$(awk -v target="$SEGMENT_SEC" '
      /^#EXTINF:/ {
        sub(/^#EXTINF:/, ""); d = $0 + 0; n++
        if (d < target - 0.1 || d > target + 0.1) { print "segment " n " lasts " d "s" > "/dev/stderr"; bad = 1 }
      }
      END { print n; exit bad }' "$playlist")" || die "$playlist: segment durations off ${SEGMENT_SEC}s"
    counts+="$count "
    duration="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$playlist")"
    awk -v d="$duration" -v want="$DURATION_SEC" 'BEGIN { exit !(d > want - 0.5 && d < want + 0.5) }' ||
      die "$playlist: ffprobe duration '$duration', expected ${DURATION_SEC}s"
  done
  [[ $(tr ' ' '\n' <<<"$counts" | sort -u | grep -c .) -eq 1 ]] ||
    die "$dir: renditions differ in segment count ($counts)"
}

# ---------------------------------------------------------------------------------------------
# DASH building blocks
# ---------------------------------------------------------------------------------------------

# Video renditions of every DASH kind (Representation ids 0 and 1) and its audio track (id 2, in
# its own AdaptationSet: ffmpeg's DASH muxer never muxes audio into a video Representation).
DASH_VIDEO_RENDITIONS=(144p 360p)
# One AAC frame (1024 samples at 48 kHz), the encoder's priming delay.
AAC_PRIMING_SEC=0.021333333

# Remuxes the sources into `manifest.mpd` in directory $1 with ffmpeg's DASH muxer.
# $2: addressing: number (SegmentTemplate + $Number$) | timeline (SegmentTemplate +
#     SegmentTimeline + $Time$) | list (SegmentList)
dash_stream() {
  local dir=$1 addressing=$2 inputs=() maps=() index=0 rendition
  for rendition in "${DASH_VIDEO_RENDITIONS[@]}"; do
    inputs+=(-i "$(sources_dir)/video-$rendition.mp4")
    maps+=(-map "$index:v")
    index=$((index + 1))
  done
  # The AAC priming frame starts at -1024 samples; ffmpeg's DASH muxer then names the first audio
  # segment `...--1024.m4s` while its MPD says t=0. Shifting audio by one frame starts it at 0.
  inputs+=(-itsoffset "$AAC_PRIMING_SEC" -i "$(sources_dir)/audio-${AUDIO_TRACKS[0]%% *}.m4a")
  maps+=(-map "$index:a")
  local options=(-init_seg_name 'init-$RepresentationID$.m4s')
  case $addressing in
    number)
      options+=(-use_template 1 -use_timeline 0
        -media_seg_name 'seg-$RepresentationID$-$Number%03d$.m4s')
      ;;
    timeline)
      options+=(-use_template 1 -use_timeline 1 -media_seg_name 'seg-$RepresentationID$-$Time$.m4s')
      ;;
    list)
      options+=(-use_template 0 -use_timeline 0
        -media_seg_name 'seg-$RepresentationID$-$Number%03d$.m4s')
      ;;
    *) die "unknown DASH addressing '$addressing'" ;;
  esac
  mkdir -p "$dir"
  (
    cd "$dir"
    ffmpeg -hide_banner -loglevel error -nostdin -y "${inputs[@]}" "${maps[@]}" -c copy \
      -f dash -seg_duration "$SEGMENT_SEC" -adaptation_sets 'id=0,streams=v id=1,streams=a' \
      "${options[@]}" manifest.mpd
  )
}

# "offset size" of the top-level MP4 box of type $2 in file $1 (fails when there is none).
mp4_box() {
  local file=$1 wanted=$2 offset=0 total size type
  total="$(stat -c %s "$file")"
  while ((offset + 8 <= total)); do
    size="$(od -An -tu4 --endian=big -j "$offset" -N4 "$file" | tr -d ' ')"
    type="$(od -An -c -j $((offset + 4)) -N4 "$file" | tr -d ' ')"
    if [[ $type == "$wanted" ]]; then
      printf '%d %d' "$offset" "$size"
      return
    fi
    ((size >= 8)) || die "$file: bad box size $size at $offset"
    offset=$((offset + size))
  done
  die "$file: no $wanted box"
}

# SegmentBase: one fragmented MP4 per Representation with one global `sidx` listing its 2 s
# fragments; the MPD gives the byte ranges of the init part (ftyp+moov) and of the sidx. ffmpeg's
# DASH muxer cannot write SegmentBase (its single-file mode writes a SegmentList), so the files come
# from the MP4 muxer and the MPD is written here.
dash_segment_base_stream() {
  local dir=$1 mpd="$1/manifest.mpd" rendition id=0 width height codecs file sidx sidx_offset
  local sidx_size bandwidth
  mkdir -p "$dir"
  representation_xml() { # $1 id, $2 file, $3 attributes, $4 inner XML before BaseURL
    file=$2
    read -r sidx_offset sidx_size <<<"$(mp4_box "$dir/$file" sidx)"
    bandwidth=$(($(stat -c %s "$dir/$file") * 8 / DURATION_SEC))
    printf '      <Representation id="%s" bandwidth="%d" %s>\n%b        <BaseURL>%s</BaseURL>\n' \
      "$1" "$bandwidth" "$3" "$4" "$file"
    printf '        <SegmentBase indexRange="%d-%d"><Initialization range="0-%d" /></SegmentBase>\n' \
      "$sidx_offset" $((sidx_offset + sidx_size - 1)) $((sidx_offset - 1))
    printf '      </Representation>\n'
  }
  {
    printf '<?xml version="1.0" encoding="utf-8"?>\n'
    printf '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011" type="static" mediaPresentationDuration="PT%dS" minBufferTime="PT4S">\n' "$DURATION_SEC"
    printf '  <Period id="0" start="PT0S">\n'
    printf '    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">\n'
    for rendition in "${DASH_VIDEO_RENDITIONS[@]}"; do
      read -r _ width height _ <<<"$(ladder_entry "$rendition")"
      codecs="$(avc_codec_string "$(sources_dir)/video-$rendition.mp4")"
      ffmpeg -hide_banner -loglevel error -nostdin -y -i "$(sources_dir)/video-$rendition.mp4" \
        -map 0:v -c copy -movflags frag_keyframe+empty_moov+default_base_moof+global_sidx \
        -f mp4 "$dir/media-$id.mp4"
      representation_xml "$id" "media-$id.mp4" \
        "codecs=\"$codecs\" width=\"$width\" height=\"$height\" frameRate=\"$FPS\"" ''
      id=$((id + 1))
    done
    printf '    </AdaptationSet>\n'
    printf '    <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" lang="%s" segmentAlignment="true" startWithSAP="1">\n' \
      "${AUDIO_TRACKS[0]%% *}"
    ffmpeg -hide_banner -loglevel error -nostdin -y -itsoffset "$AAC_PRIMING_SEC" \
      -i "$(sources_dir)/audio-${AUDIO_TRACKS[0]%% *}.m4a" -map 0:a -c copy \
      -movflags empty_moov+default_base_moof+global_sidx -frag_duration "${SEGMENT_SEC}000000" \
      -f mp4 "$dir/media-$id.mp4"
    representation_xml "$id" "media-$id.mp4" "codecs=\"$AUDIO_CODEC\" audioSamplingRate=\"$AUDIO_SAMPLE_RATE\"" \
      '        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="1" />\n'
    printf '    </AdaptationSet>\n  </Period>\n</MPD>\n'
  } >"$mpd"
}

# A DASH stream kind: $1 dir, $2 name, $3 addressing: number | timeline | list (see dash_stream)
# or base (see dash_segment_base_stream).
generate_dash_kind() {
  local dir=$1 name=$2 addressing=$3 renditions=() rendition id=0 width height codecs
  if [[ $addressing == base ]]; then
    dash_segment_base_stream "$dir"
  else
    dash_stream "$dir" "$addressing"
  fi
  for rendition in "${DASH_VIDEO_RENDITIONS[@]}"; do
    read -r _ width height _ <<<"$(ladder_entry "$rendition")"
    codecs="$(avc_codec_string "$(sources_dir)/video-$rendition.mp4")"
    renditions+=("{\"type\":\"video\",\"representationId\":\"$id\",\"resolution\":\"${width}x${height}\",\"codecs\":\"$codecs\"}")
    id=$((id + 1))
  done
  renditions+=("{\"type\":\"audio\",\"representationId\":\"$id\",\"language\":\"${AUDIO_TRACKS[0]%% *}\",\"codecs\":\"$AUDIO_CODEC\"}")
  write_stream_json "$dir" "$name" dash fmp4 manifest.mpd "${renditions[@]}"
  verify_dash_stream "$dir"
}

# Fails unless ffprobe reads about DURATION_SEC of media from the MPD.
verify_dash_stream() {
  local duration
  duration="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1/manifest.mpd")"
  awk -v d="$duration" -v want="$DURATION_SEC" 'BEGIN { exit !(d > want - 0.5 && d < want + 0.5) }' ||
    die "$1/manifest.mpd: ffprobe duration '$duration', expected ${DURATION_SEC}s"
}

# ---------------------------------------------------------------------------------------------
# Stream kinds: one function each, filling the empty directory $1.
# ---------------------------------------------------------------------------------------------

# MPEG-TS segments with muxed audio, three renditions.
generate_hls_ts() { generate_hls_variants "$1" hls-ts ts ts muxed 144p 240p 360p; }

# Fragmented MP4 segments (EXT-X-MAP init segment) with muxed audio, two renditions.
generate_hls_fmp4() { generate_hls_variants "$1" hls-fmp4 fmp4 fmp4 muxed 144p 360p; }

# One .ts file per rendition addressed with EXT-X-BYTERANGE, two renditions.
generate_hls_byterange() { generate_hls_variants "$1" hls-byterange ts-single-file ts muxed 144p 360p; }

# Video-only renditions plus an alternate audio group (one media playlist per language), fMP4:
# hls.js plays demuxed fMP4 cleanly, while demuxed audio-only TS made it report (non-fatal)
# bufferAppendNoProgress on the first audio segment.
generate_hls_audio() {
  local dir=$1 name=hls-audio group=audio master="$1/master.m3u8"
  local renditions=() entry lang title is_default audio_peak=0 audio_average=0 peak average count
  local rendition width height codecs
  printf '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n' >"$master"
  for entry in "${AUDIO_TRACKS[@]}"; do
    read -r lang _ title <<<"$entry"
    hls_rendition "$dir/audio-$lang" fmp4 "$(sources_dir)/audio-$lang.m4a"
    read -r peak average count <<<"$(hls_playlist_bitrates "$dir/audio-$lang/index.m3u8")"
    ((peak > audio_peak)) && audio_peak=$peak
    ((average > audio_average)) && audio_average=$average
    is_default=NO
    [[ $lang == "${AUDIO_TRACKS[0]%% *}" ]] && is_default=YES
    printf '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="%s",LANGUAGE="%s",NAME="%s",DEFAULT=%s,AUTOSELECT=YES,CHANNELS="1",URI="audio-%s/index.m3u8"\n' \
      "$group" "$lang" "$title" "$is_default" "$lang" >>"$master"
    renditions+=("$(rendition_json "$name" "audio-$lang/index.m3u8" audio \
      "\"language\":\"$lang\",\"codecs\":\"$AUDIO_CODEC\"" "$dir/audio-$lang/index.m3u8")")
  done
  for rendition in 240p 360p; do
    entry="$(ladder_entry "$rendition")"
    read -r _ width height _ <<<"$entry"
    codecs="$(avc_codec_string "$(sources_dir)/video-$rendition.mp4")"
    hls_rendition "$dir/$rendition" fmp4 "$(sources_dir)/video-$rendition.mp4"
    read -r peak average count <<<"$(hls_playlist_bitrates "$dir/$rendition/index.m3u8")"
    # A variant's BANDWIDTH covers everything played with it: the video plus the largest audio.
    # No captions here either (see generate_hls_variants).
    printf '#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,FRAME-RATE=%d.000,CODECS="%s,%s",AUDIO="%s",CLOSED-CAPTIONS=NONE\n%s/index.m3u8\n' \
      "$((peak + audio_peak))" "$((average + audio_average))" "$width" "$height" "$FPS" \
      "$codecs" "$AUDIO_CODEC" "$group" "$rendition" >>"$master"
    renditions+=("$(rendition_json "$name" "$rendition/index.m3u8" video \
      "\"resolution\":\"${width}x${height}\",\"codecs\":\"$codecs\"" "$dir/$rendition/index.m3u8")")
  done
  write_stream_json "$dir" "$name" hls fmp4 master.m3u8 "${renditions[@]}"
  verify_hls_stream "$dir"
}

# DASH, SegmentTemplate with @duration and $Number$ URLs; video and audio AdaptationSets.
generate_dash_number() { generate_dash_kind "$1" dash-number number; }

# DASH, SegmentTemplate with a SegmentTimeline and $Time$ URLs.
generate_dash_timeline() { generate_dash_kind "$1" dash-timeline timeline; }

# DASH, SegmentList (one SegmentURL per segment).
generate_dash_list() { generate_dash_kind "$1" dash-list list; }

# DASH, SegmentBase: one file per Representation, segments are byte ranges listed in its sidx.
generate_dash_base() { generate_dash_kind "$1" dash-base base; }

# ---------------------------------------------------------------------------------------------
# Trusted segment hashes
# ---------------------------------------------------------------------------------------------

HASHES_FILE=segments-sha256.json

# The hash manifest generator (TypeScript, run with the repository's tsx).
hashes_cli() { "$REPO_DIR/node_modules/.bin/tsx" "$REPO_DIR/tools/hash-manifest/cli.ts" "$@"; }

# One key per streams folder, named after the folder's path.
hash_key_file() {
  printf '%s/.cache/hash-keys/%s.pem' "$REPO_DIR" "$(printf '%s' "$OUT_DIR" | sha256sum | cut -c1-16)"
}
public_key_file() { printf '%s/hashes-public-key.txt' "$OUT_DIR"; }

# Makes the demo signing key of this streams folder unless both halves exist.
ensure_hash_key() {
  local key public
  key="$(hash_key_file)"
  public="$(public_key_file)"
  [[ -f $key && -s $public ]] && return
  [[ -x $REPO_DIR/node_modules/.bin/tsx ]] || die "node_modules missing: run npm install first"
  log "making the demo signing key for segment hashes"
  rm -f "$key" "$public"
  mkdir -p "$(dirname "$key")"
  chmod 700 "$(dirname "$key")"
  hashes_cli keygen --out-private "$key" >"$public.tmp"
  mv "$public.tmp" "$public"
}

# True when stream folder $1 has hashes signed with the current demo key.
hashes_current() {
  [[ -f $1/$HASHES_FILE && -f $1/$HASHES_FILE.sig && -f $1/.hashes-key &&
    $(<"$1/.hashes-key") == "$(<"$(public_key_file)")" ]]
}

# Writes the signed hash manifest of stream folder $1 from its master playlist or MPD: keys are the
# segment URLs relative to the stream folder (renditions reuse file names), with byte ranges for the
# byte-range and SegmentBase streams.
hash_stream() {
  local dir=$1 master
  for master in "$dir/master.m3u8" "$dir/manifest.mpd"; do
    [[ -f $master ]] && break
  done
  [[ -f $master ]] || die "$dir: no master.m3u8 or manifest.mpd to hash"
  hashes_cli "$master" --out "$dir/$HASHES_FILE" --sign-key "$(hash_key_file)" >/dev/null
  cp "$(public_key_file)" "$dir/.hashes-key"
}

# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

generate_kind() {
  local kind=$1 final="$OUT_DIR/$1" temp="$OUT_DIR/.tmp-$1" fn="generate_${1//-/_}"
  declare -F "$fn" >/dev/null || die "no generator function $fn for stream kind '$kind'"
  if [[ -f $final/stream.json && -f $final/.generator && $(<"$final/.generator") == "$GENERATOR_STAMP" &&
    $FORCE -eq 0 ]]; then
    if ! hashes_current "$final"; then
      log "$kind: hashing segments"
      hash_stream "$final"
    fi
    log "$kind: already generated (use --force to regenerate)"
    return
  fi
  log "$kind: generating"
  rm -rf "$temp"
  mkdir -p "$temp"
  "$fn" "$temp"
  [[ -f $temp/stream.json ]] || die "$fn did not write stream.json"
  hash_stream "$temp"
  printf '%s' "$GENERATOR_STAMP" >"$temp/.generator"
  rm -rf "$final"
  mv "$temp" "$final"
}

write_manifest() {
  local kind entries=()
  for kind in "${STREAM_KINDS[@]}"; do
    [[ -f $OUT_DIR/$kind/stream.json ]] && entries+=("$(<"$OUT_DIR/$kind/stream.json")")
  done
  {
    printf '{"version":1,"segmentDurationSec":%s,"durationSec":%s,"streams":[\n' \
      "$SEGMENT_SEC" "$DURATION_SEC"
    local i
    for i in "${!entries[@]}"; do
      ((i > 0)) && printf ',\n'
      printf '%s' "${entries[$i]}"
    done
    printf '\n]}\n'
  } >"$OUT_DIR/manifest.json.tmp"
  mv "$OUT_DIR/manifest.json.tmp" "$OUT_DIR/manifest.json"
}

main() {
  while (($# > 0)); do
    case $1 in
      --force) FORCE=1 ;;
      --out)
        [[ $# -ge 2 ]] || die '--out needs a directory'
        OUT_DIR=$2
        shift
        ;;
      -h | --help)
        sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
      -*) die "unknown option '$1'" ;;
      *) REQUESTED_KINDS+=("$1") ;;
    esac
    shift
  done
  local tool
  for tool in ffmpeg ffprobe; do
    command -v "$tool" >/dev/null 2>&1 ||
      die "$tool not found on PATH. Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) and rerun."
  done
  if ((${#REQUESTED_KINDS[@]} == 0)); then
    REQUESTED_KINDS=("${STREAM_KINDS[@]}")
    FORCE_SOURCES=$FORCE
  fi
  local kind
  for kind in "${REQUESTED_KINDS[@]}"; do
    [[ " ${STREAM_KINDS[*]} " == *" $kind "* ]] ||
      die "unknown stream kind '$kind' (known: ${STREAM_KINDS[*]})"
  done

  mkdir -p "$OUT_DIR"
  OUT_DIR="$(cd "$OUT_DIR" && pwd)"
  # Tests running in parallel may all ask for the streams: one generates, the others wait, then skip.
  exec 9>"$OUT_DIR/.generate.lock"
  flock 9

  local started=$SECONDS
  ensure_hash_key
  encode_sources
  for kind in "${REQUESTED_KINDS[@]}"; do generate_kind "$kind"; done
  write_manifest
  log "done in $((SECONDS - started))s: $OUT_DIR/manifest.json"
}

main "$@"
