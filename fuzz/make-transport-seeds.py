#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the seed corpora of fuzz-uds-receive and fuzz-shm-consumer.

The seeds are valid sessions built from the golden messages in tests/data
(see the input formats at the top of each harness). Run from the source
tree: python3 fuzz/make-transport-seeds.py; the output is checked in, so
this is only needed when a format changes.
"""
import os
import struct

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(TOP, "tests", "data")
CORPUS = os.path.join(TOP, "fuzz", "corpus")

HDR = struct.Struct("<IHHHHHHIIQ")  # wire.md 2
CHUNK = struct.Struct("<IHHQIIII")  # wire.md 8
MAGIC, CHUNK_MAGIC = 0x4E495043, 0x4E43484B
REQUEST, RESPONSE = 1, 2
FLAG_BATCH = 1
SHM_MAGIC, SHM_VERSION, SHM_HDR = 0x4E53484D, 3, 64


def golden(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def message(kind, code, msg_id, payload, flags=0, items=1, status=0):
    return HDR.pack(MAGIC, 1, 32, kind, flags, code, status, len(payload),
                    items, msg_id) + payload


def with_header(msg, kind=None, msg_id=None):
    """A golden message with kind and/or id replaced."""
    f = list(HDR.unpack_from(msg))
    if kind is not None:
        f[3] = kind
    if msg_id is not None:
        f[9] = msg_id
    return HDR.pack(*f) + msg[32:]


def chunks(msg, packet):
    """The records a sender splits msg into (wire.md 8)."""
    if len(msg) <= packet:
        return [msg]
    f = HDR.unpack_from(msg)
    payload, per = msg[32:], packet - 32
    recs = [msg[:packet]]
    rest = payload[per:]
    count = 1 + (len(rest) + per - 1) // per
    for i in range(1, count):
        part = rest[(i - 1) * per:i * per]
        recs.append(CHUNK.pack(CHUNK_MAGIC, 1, 0, f[9], len(msg), i, count,
                               len(part)) + part)
    return recs


def uds_seed(server, packet, limit, items, inflight, id_base, records):
    flags = (1 if server else 0) | (inflight << 1)
    out = struct.pack("<BHIHB", flags, packet - 33, limit, items, id_base)
    for r in records:
        out += struct.pack("<H", len(r)) + r
    return out


def align64(x):
    return (x + 63) & ~63


def shm_cfg(server, extended, request, rq, rs, items, msg_id, image):
    flags = (1 if server else 0) | (2 if extended else 0) | \
        (4 if request else 0)
    return struct.pack("<BHHHBH", flags, rq, rs, items, msg_id, len(image))


def shm_region(rq, rs, extended, req_seq=0, resp_seq=0):
    """A region file as a netipc server writes it (posix-shm.md 3-5)."""
    req_cap, resp_cap = align64(32 + rq), align64(32 + rs)
    size = SHM_HDR + req_cap + resp_cap + (64 if extended else 0)
    hdr = struct.pack("<IHHiIIIIIQQIIII", SHM_MAGIC, SHM_VERSION, SHM_HDR,
                      1, 1, SHM_HDR, req_cap, SHM_HDR + req_cap, resp_cap,
                      req_seq, resp_seq, 0, 0, 0, 0)
    return bytearray(hdr + bytes(size - SHM_HDR)), SHM_HDR, SHM_HDR + req_cap


def mutation(where, off, data):
    return struct.pack("<BHB", where, off, len(data)) + data


def publish(msg, seq):
    """Mutations a peer makes to publish msg: area, length, sequence."""
    out = b""
    for i in range(0, len(msg), 255):
        out += mutation(3, i, msg[i:i + 255])
    return out + mutation(2, 0, struct.pack("<I", len(msg))) + \
        mutation(1, 0, struct.pack("<Q", seq))


def write(name, seeds):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    for fname, data in seeds.items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


def uds_seeds():
    inc_req = golden("increment_req_msg.bin")
    inc_resp = golden("increment_resp_msg.bin")
    batch_inc = golden("batch_increment_req_msg.bin")
    batch_sr = golden("batch_string_reverse_req_msg.bin")
    cg_resp = message(RESPONSE, 2, 1, golden("cgroups_resp.bin"))
    sr_req = message(REQUEST, 3, 9, golden("string_reverse_payload.bin"))
    return {
        "server_increment.bin":
            uds_seed(True, 4096, 1024, 1, 0, 0, [inc_req]),
        "server_batch_pipelined.bin":
            uds_seed(True, 4096, 1024, 8, 0, 0, [batch_inc, batch_sr, inc_req]),
        "server_chunked_batch.bin":
            uds_seed(True, 64, 1024, 8, 0, 0, chunks(batch_sr, 64)),
        "server_chunked_then_whole.bin":
            uds_seed(True, 48, 1024, 8, 0, 0,
                     chunks(sr_req, 48) + [inc_req]),
        "server_over_limit.bin":
            uds_seed(True, 4096, 16, 1, 0, 0, [batch_inc, inc_req]),
        "client_increment.bin":
            uds_seed(False, 4096, 1024, 1, 1, 7, [inc_resp]),
        "client_chunked_cgroups.bin":
            uds_seed(False, 128, 4096, 1, 2, 1,
                     chunks(cg_resp, 128) + [with_header(inc_resp, msg_id=2)]),
        "client_unknown_id.bin":
            uds_seed(False, 4096, 1024, 1, 1, 1, [inc_resp]),
    }


def shm_seeds():
    seeds = {}
    inc_req = golden("increment_req_msg.bin")
    inc_resp = golden("increment_resp_msg.bin")
    batch_sr = golden("batch_string_reverse_req_msg.bin")
    cg_resp = message(RESPONSE, 2, 3, golden("cgroups_resp.bin"))
    rq, rs = 1024, 1024
    # Server: a request already published in the image.
    img, req_off, _ = shm_region(rq, rs, False, req_seq=1)
    img[48:52] = struct.pack("<I", len(inc_req))
    img[req_off:req_off + len(inc_req)] = inc_req
    seeds["server_published.bin"] = \
        shm_cfg(True, False, False, rq, rs, 1, 0, img) + img
    # Server, extended: two requests published while it waits.
    img, _, _ = shm_region(rq, rs, True)
    seeds["server_ext_two.bin"] = \
        shm_cfg(True, True, False, rq, rs, 8, 0, img) + img + \
        publish(inc_req, 1) + publish(batch_sr, 2)
    # Client: attach at resp_seq 5, its request answered (id 7).
    img, _, _ = shm_region(rq, rs, False, resp_seq=5)
    seeds["client_increment.bin"] = \
        shm_cfg(False, False, True, rq, rs, 1, 7, img) + img + \
        publish(inc_resp, 6)
    # Client, extended: a cgroups snapshot response.
    img, _, _ = shm_region(rq, rs, True)
    seeds["client_ext_cgroups.bin"] = \
        shm_cfg(False, True, True, rq, rs, 1, 3, img) + img + \
        publish(cg_resp, 1)
    # Client: the length word rewritten after the sequence advanced.
    img, _, _ = shm_region(64, 64, False)
    seeds["client_len_rewrite.bin"] = \
        shm_cfg(False, False, True, 64, 64, 1, 7, img) + img + \
        mutation(1, 0, struct.pack("<Q", 1)) + publish(inc_resp, 2) + \
        mutation(2, 0, struct.pack("<I", 0xFFFFFFFF))
    return seeds


if __name__ == "__main__":
    write("uds-receive", uds_seeds())
    write("shm-consumer", shm_seeds())
