"""JSON rendering for every API response: DRF's output, encoded by orjson.

json.dumps with DRF's encoder was the largest single cost of rendering a list. orjson writes the same JSON
(compact, UTF-8, insertion-ordered keys) several times faster; every value it has no native form for goes
through DRF's own encoder, so dates, decimals, lazy strings and numpy values come out as DRF writes them.
"""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

# Dates and times go to DRF's encoder, which writes UTC as "Z".
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_encoder = JSONEncoder()


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)  # pretty-printing, for people
        try:
            content = orjson.dumps(data, default=_encoder.default, option=OPTIONS)
        except orjson.JSONEncodeError:
            # What orjson refuses (integers past 64 bits, say) is left to DRF's encoder, errors included.
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: keep the output a valid JavaScript literal too.
        return content.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
