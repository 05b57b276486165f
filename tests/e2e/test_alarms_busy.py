"""HL7 AR: when heime cannot take a message now (its group-commit queue is full), the sender gets
AR with an ERR segment, nothing of that message is stored, and a resend later gets AA."""
import os
import threading

import hl7
import hl7.client

from conftest import Heime
from test_alarms_mllp import pcd04, uid


def exchange(port, text):
    with hl7.client.MLLPClient("127.0.0.1", port) as c:
        raw = c.send_message(text)
    return hl7.parse(raw.decode().strip("\x0b\x1c\r"))


def test_full_queue_answers_ar_and_stores_nothing(tmp_path):
    h = Heime(str(tmp_path))
    os.environ["HEIME_WRITER_QUEUE_LIMIT"] = "1"
    try:
        h.start()
    finally:
        del os.environ["HEIME_WRITER_QUEUE_LIMIT"]
    try:
        messages = {f"E2E-AR-{uid()}": None for _ in range(60)}
        texts = {c: pcd04("E2E-BUSY-" + c[-6:], control=c) for c in messages}
        lock = threading.Lock()

        def send(control):
            ack = exchange(h.mllp_port, texts[control])
            seg = ack.segment("MSA")
            err = str(ack.segment("ERR")) if str(seg[1]) != "AA" else ""
            with lock:
                messages[control] = (str(seg[1]), str(seg[2]), err)

        threads = [threading.Thread(target=send, args=(c,)) for c in messages]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = {v[0] for v in messages.values()}
        assert codes <= {"AA", "AR"}, messages
        rejected = [c for c, v in messages.items() if v[0] == "AR"]
        assert rejected, "a one-job queue under 60 concurrent senders must refuse some"
        for c in rejected:
            assert messages[c][1] == c  # MSA-2 echoes MSH-10
            assert messages[c][2].startswith("ERR"), messages[c]
        # Nothing of a refused message was stored; every accepted one was.
        stored = {r[0] for r in h.sql("SELECT control_id FROM hl7_inbox WHERE control_id LIKE"
                                      " 'E2E-AR-%'")}
        assert stored == {c for c, v in messages.items() if v[0] == "AA"}
        # The sender resends later and is answered AA.
        ack = exchange(h.mllp_port, texts[rejected[0]])
        assert str(ack.segment("MSA")[1]) == "AA"
    finally:
        h.stop()
