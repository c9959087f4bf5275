"""Image observations as ``(height, width, 3)`` uint8 arrays (needs numpy; PNG needs Pillow)."""

from __future__ import annotations

import io

import numpy as np

from ._proto import types_pb2 as types_pb


def image_to_array(image: types_pb.Image) -> np.ndarray:
    """Decodes ``image/png`` (RGB, RGBA, grey or palette; alpha dropped) or raw
    ``application/x-rgb8`` bytes into an RGB array."""
    if image.mime_type == "application/x-rgb8":
        return np.frombuffer(image.data, dtype=np.uint8).reshape(image.height, image.width, 3).copy()
    if image.mime_type == "image/png":
        try:
            from PIL import Image as PilImage
        except ImportError as err:  # pragma: no cover - depends on the machine
            raise ImportError(
                "decoding PNG observations needs Pillow: pip install 'dynamind-env[gym]' (Debian: python3-pil)"
            ) from err
        with PilImage.open(io.BytesIO(image.data)) as pic:
            return np.asarray(pic.convert("RGB"), dtype=np.uint8).copy()
    raise ValueError(f"unsupported image mime type {image.mime_type!r}")
