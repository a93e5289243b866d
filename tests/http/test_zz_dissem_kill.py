"""yujing killed with SIGKILL in the middle of a delivery (the SMTP server
holding the message's DATA): after the restart the claimed row's lease runs
out, it is taken again and the subscriber gets the warning exactly once."""

import os
import signal
import time

import dissemlib as dl
from client import Client, admin, app_pid, check, db, db_value, stack, wait_healthy
from pointlib import tag
from sublib import accounts, at_province, decide, wi_fields


def test_sigkill_during_delivery_delivers_once_after_restart():
    a = accounts()
    adm = admin()
    dl.reset_dissemination()
    db("DELETE FROM subscribe_attempts")
    t = tag()
    smtp = dl.SMTPServer().start()
    try:
        dl.set_mail(adm)
        addr = "kill-%s@example.com" % t.lower()
        dl.subscribe(Client(), smtp, addr)
        smtp.mode = "hang"
        sub = at_province(a["hangzhou"], a["jiande"], wi_fields(title="投递中被杀 " + t, country="SG"))
        w = decide(a["province"], sub, "pass", options={"work_exchange": True})
        dl.wait_until(lambda: smtp.held >= 1, "yujing in the middle of sending")
        claimed = db("SELECT claimed_by, state FROM deliveries WHERE submission_id = %d" % w["id"])
        check(len(claimed) == 1 and claimed[0][0] not in (None, "NULL"), "not claimed: %r" % claimed)
        pid = app_pid()
        os.kill(pid, signal.SIGKILL)
        smtp.mode = "ok"        # what was held is answered 451 and not kept
        time.sleep(0.5)
        stack("app-restart")
        wait_healthy()
        check(app_pid() != pid, "not restarted")
        dl.wait_until(lambda: db_value("SELECT state FROM deliveries WHERE submission_id = %d" % w["id"])
                      == "sent", "sent after the restart", seconds=90)
        time.sleep(2)
        got = [m for _, m in smtp.messages(addr) if t in str(m["Subject"])]
        check(len(got) == 1, "warning mails after the kill: %d" % len(got))
    finally:
        smtp.cleanup()
        dl.reset_dissemination()
