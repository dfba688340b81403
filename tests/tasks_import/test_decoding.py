import codecs

import pytest

from tasks_import.decoding import MAX_INPUT_BYTES, InputError, decode_bytes

TEXT = "牵头领导：郭建民；牵头单位：市发改委；责任单位：市财政局。"  # 000 L110


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # BOM written by the codec
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "gb18030", "gbk"],
)
def test_it_decodes_the_encodings_clerks_upload(data):
    assert decode_bytes(data) == TEXT


def test_it_refuses_empty_input():
    with pytest.raises(InputError, match="文件为空"):
        decode_bytes(b"  \n ")


def test_it_refuses_binary_input():
    with pytest.raises(InputError, match="不是文本"):
        decode_bytes(b"PK\x03\x04\x00\x00binary zip")


def test_it_refuses_text_over_the_size_limit():
    with pytest.raises(InputError, match="文件过大"):
        decode_bytes(b"a" * (MAX_INPUT_BYTES + 1))


def test_it_refuses_bytes_no_supported_encoding_reads():
    with pytest.raises(InputError):
        decode_bytes(b"abc\xfe\xfe\xfe")
