"""Lesson recordings: a narration (MP3 or Opus) and a self-hosted video (MP4 or WebM) with
WebVTT captions, checked at import and stored like pictures, named by their content hash.

Pure: no Flask, no database. Only the first bytes are inspected to tell the file is what its
name says; the browser's own player does the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from course_app.content.pictures import PictureError, Variant, variant_of

AUDIO_TYPES = {".mp3": "audio/mpeg", ".opus": "audio/ogg", ".ogg": "audio/ogg"}
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
CAPTIONS_TYPE = "text/vtt"
MAX_AUDIO_BYTES = 30_000_000
MAX_VIDEO_BYTES = 80_000_000
MAX_CAPTIONS_BYTES = 500_000
_TIMING = re.compile(r"^\s*(\d+:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(\d+:)?\d{2}:\d{2}\.\d{3}")
_TAG = re.compile(r"<[^>]*>")


class RecordingError(PictureError):
    """Why a recording or captions file cannot be used, in an author's words."""


@dataclass(frozen=True)
class Captions:
    file: Variant
    transcript: tuple[str, ...]  # the cues' words, in order: shown under the video


def _read(path: Path, limit: int) -> bytes:
    if path.stat().st_size > limit:
        raise RecordingError(f"'{path.name}' is larger than {limit // 1_000_000} MB")
    return path.read_bytes()


def prepare_audio(path: Path) -> Variant:
    extension = path.suffix.lower()
    if extension not in AUDIO_TYPES:
        raise RecordingError(f"'{path.name}' must be an .mp3 or .opus recording")
    data = _read(path, MAX_AUDIO_BYTES)
    mp3 = data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    opus = data[:4] == b"OggS" and b"OpusHead" in data[:200]
    if not (mp3 if extension == ".mp3" else opus):
        kind = "MP3" if extension == ".mp3" else "Opus"
        raise RecordingError(f"'{path.name}' is not really an {kind} recording")
    return variant_of(data, extension, AUDIO_TYPES[extension])


def prepare_video(path: Path) -> Variant:
    extension = path.suffix.lower()
    if extension not in VIDEO_TYPES:
        raise RecordingError(
            f"'{path.name}' must be an .mp4 or .webm video kept in the course folder (no "
            "video sites: they track who watches)"
        )
    data = _read(path, MAX_VIDEO_BYTES)
    mp4 = data[4:8] == b"ftyp"
    webm = data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]
    if not (mp4 if extension == ".mp4" else webm):
        raise RecordingError(f"'{path.name}' is not really an {extension[1:].upper()} video")
    return variant_of(data, extension, VIDEO_TYPES[extension])


def read_captions(path: Path) -> Captions:
    """A WebVTT file and the words of its cues; RecordingError when it is not WebVTT."""
    if path.suffix.lower() != ".vtt":
        raise RecordingError(f"'{path.name}' must be a WebVTT captions file ending in .vtt")
    data = _read(path, MAX_CAPTIONS_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordingError(f"'{path.name}' is not saved as UTF-8 text") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines[0].startswith("WEBVTT"):
        raise RecordingError(f"'{path.name}' must start with the line WEBVTT")
    transcript, in_cue = [], False
    for line in lines[1:]:
        if _TIMING.match(line):
            in_cue = True
            continue
        if not line.strip():
            in_cue = False
            continue
        if in_cue:
            words = _TAG.sub("", line).strip()
            if words:
                transcript.append(words)
    if not transcript:
        raise RecordingError(f"'{path.name}' has no captions (no cue with a time and words)")
    return Captions(variant_of(data, ".vtt", CAPTIONS_TYPE), tuple(transcript))
