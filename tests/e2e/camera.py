"""A fake camera for Chromium: a Y4M video that shows one QR code (--use-file-for-fake-video-capture)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import qrcode

WIDTH, HEIGHT = 640, 480


def qr_video(text: str, path: Path, frames: int = 5) -> Path:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(text)
    code.make(fit=True)
    return picture_video(np.array(code.get_matrix(), dtype=bool), path, frames)


def picture_video(modules: np.ndarray, path: Path, frames: int = 5) -> Path:
    """The same video of any black-and-white picture (True = black), e.g. a QR code taken from a PDF."""
    scale = max(1, (HEIGHT - 40) // modules.shape[0])
    picture = np.kron(modules, np.ones((scale, scale), dtype=bool))
    luma = np.full((HEIGHT, WIDTH), 235, dtype=np.uint8)  # white paper
    top, left = (HEIGHT - picture.shape[0]) // 2, (WIDTH - picture.shape[1]) // 2
    luma[top : top + picture.shape[0], left : left + picture.shape[1]][picture] = 16  # black modules
    chroma = np.full((HEIGHT // 2, WIDTH // 2), 128, dtype=np.uint8)  # no colour
    frame = b"FRAME\n" + luma.tobytes() + chroma.tobytes() + chroma.tobytes()
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)
    return path
