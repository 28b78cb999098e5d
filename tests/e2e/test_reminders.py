"""Reminders and escalations at the working minute the SOP's standards give, exactly once.

The office clock starts on Thursday 26 November 2026 at 09.00 WIB (Mon-Thu 07.30-16.00,
Fri 07.30-16.30). The sweep runs when a test says so, as the job queue does every
minute; each test moves the clock by hand.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.e2e.harness import FakeBotAPI, Harness
from tests.e2e.office import (
    ADMIN_ID,
    Office,
    card,
    code_in,
    pause_reminders,
    reminder_sweep,
    running_office,
    snapshot,
    to_official,
)


def reminders(chat: object, code: str) -> list[str]:
    return [m.text or "" for m in chat.messages() if f"Pengingat — {code}" in (m.text or "")]  # type: ignore[attr-defined]


def escalations(chat: object, code: str) -> list[str]:
    return [m.text or "" for m in chat.messages() if f"Terlambat — {code}" in (m.text or "")]  # type: ignore[attr-defined]


async def handed_over(o: Office, text: str = "Jadwal layanan\nLayanan buka pukul 08.00.") -> str:
    await o.officer.sends(text)
    code = code_in(o.officer.last_text())
    await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
    return code


async def test_reminder_then_escalation_at_the_working_minute_exactly_once(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        code = await handed_over(o)  # Thursday 09.00: remind at 10.00, late at 12.00

        o.clock.advance(minutes=59)
        await reminder_sweep(o.h)
        assert reminders(o.it_group, code) == []

        o.clock.advance(minutes=1)  # 10.00
        await reminder_sweep(o.h)
        await reminder_sweep(o.h)
        [text] = reminders(o.it_group, code)
        assert "Jadwal layanan" in text
        assert "Menunggu Tim IT sejak 09.00 WIB (1 j kerja)." in text
        assert "Batas: 12.00 WIB (2 j kerja lagi)" in text
        reminder = o.it_group.find(f"Pengingat — {code}")
        assert reminder.button_texts == ["✅ Terima"]
        # Nobody else is reminded of the IT team's step.
        assert reminders(o.officials_group, code) == []
        assert reminders(o.officer.chat, code) == []

        o.clock.advance(hours=2)  # 12.00: late
        await reminder_sweep(o.h)
        await reminder_sweep(o.h)
        [late] = escalations(o.officials_group, code)
        assert "Masih di Tim IT sejak 09.00 WIB." in late
        assert "Batas: 12.00 WIB (lewat batas waktu)" in late
        assert o.officials_group.find(f"Terlambat — {code}").button_texts == ["📜 Riwayat"]
        assert "Rina Wati · Bidang Pengawasan" in late
        assert len(reminders(o.it_group, code)) == 1
        assert escalations(o.it_group, code) == []

        # The reminder's one button moves the item on.
        answer = await o.it.taps("Terima", in_chat=o.it_group, message=reminder)
        assert not answer.show_alert
        db = await snapshot(database_url)
        assert db.item(code).state == "editing"
        # The history keeps both, once each, for the monthly report.
        marks = [
            (e.action, e.to_state)
            for e in db.events_of(code)
            if e.action in ("step_reminded", "step_escalated")
        ]
        assert marks == [("step_reminded", "submitted"), ("step_escalated", "submitted")]
        # A new step visit: the editors' reminder comes at its own time (13.00), once.
        o.clock.advance(minutes=59)
        await reminder_sweep(o.h)
        assert reminders(o.web_group, code) == []
        o.clock.advance(minutes=1)
        await reminder_sweep(o.h)
        assert len(reminders(o.web_group, code)) == 1


async def test_nothing_is_sent_while_the_office_is_closed_and_a_restart_sends_nothing_twice(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        o.clock.advance(hours=6, minutes=30)  # Thursday 15.30
        code = await handed_over(o)  # remind Friday 08.00, late Friday 10.00
        item = (await snapshot(database_url)).item(code)
        assert item.step_remind_at is not None and item.step_due_at is not None
        wib = timedelta(hours=7)
        assert (item.step_remind_at + wib).strftime("%a %H:%M") == "Fri 08:00"
        assert (item.step_due_at + wib).strftime("%a %H:%M") == "Fri 10:00"

        o.clock.advance(hours=5)  # Thursday 20.30: closed
        await reminder_sweep(o.h)
        assert reminders(o.it_group, code) == []
        o.clock.advance(hours=11, minutes=30)  # Friday 08.00
        await reminder_sweep(o.h)
        assert len(reminders(o.it_group, code)) == 1
        clock = o.clock
        it_group = o.it_group

    # warta restarts; the reminder is not sent again, the escalation comes at 10.00.
    restarted = Harness.for_warta(
        fake_bot_api, tmp_path / "data", database_url, admin_ids=[ADMIN_ID], clock=clock
    )
    async with restarted as h:
        pause_reminders(h)
        await reminder_sweep(h)
        assert len(reminders(it_group, code)) == 1
        clock.advance(hours=2)
        await reminder_sweep(h)
        await reminder_sweep(h)
        officials = h.group(-100103, "Pejabat")
        assert len(escalations(officials, code)) == 1
        assert len(reminders(it_group, code)) == 1


async def test_a_draft_reminds_its_officer_with_the_hand_over_button(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Kerja bakti\nWarga RW 05 membersihkan saluran.")
        code = code_in(o.officer.last_text())
        o.clock.advance(days=1)  # Friday 09.00: one working day
        await reminder_sweep(o.h)
        [text] = reminders(o.officer.chat, code)
        assert "Draf ini belum diserahkan ke Tim IT sejak Kam, 26 Nov 09.00 WIB" in text
        assert reminders(o.it_group, code) == []
        await o.officer.taps("Serahkan ke Tim IT", message=o.officer.chat.find("Pengingat"))
        assert (await snapshot(database_url)).item(code).state == "submitted"
        assert card(o.it_group, code)


async def test_the_officials_late_step_goes_to_the_supervisor(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    supervisor = -100777
    fake_bot_api.add_group(supervisor, "Kepala Dinas", bot_status="member")
    async with running_office(
        fake_bot_api, tmp_path, database_url, supervisor_chat=supervisor
    ) as o:
        await o.officer.sends("Pasar murah\nDi balai kota, Sabtu pagi.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)  # review from 09.00: remind 09.45, late 10.00
        o.clock.advance(minutes=45)
        await reminder_sweep(o.h)
        [text] = reminders(o.officials_group, code)
        assert "Menunggu Pejabat sejak 09.00 WIB (45 mnt kerja)." in text
        o.clock.advance(minutes=15)
        await reminder_sweep(o.h)
        group = o.h.group(supervisor, "Kepala Dinas")
        [late] = escalations(group, code)
        assert "Masih di Pejabat sejak 09.00 WIB." in late
        assert escalations(o.officials_group, code) == []


async def test_without_a_supervisor_the_officials_late_step_goes_to_the_admins(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Pasar murah\nDi balai kota, Sabtu pagi.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)
        o.clock.advance(hours=1)
        await reminder_sweep(o.h)
        assert len(escalations(o.log_group, code)) == 1
        assert len(escalations(o.admin.chat, code)) == 1
        assert escalations(o.officials_group, code) == []


def digests(chat: object) -> list[str]:
    return [m.text or "" for m in chat.messages() if "Selamat pagi" in (m.text or "")]  # type: ignore[attr-defined]


async def test_the_morning_digest_once_per_working_day_and_not_on_a_holiday(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        # Thursday 09.00: the office is open, today's digest goes at the first sweep.
        await reminder_sweep(o.h)
        assert digests(o.it_group) == []  # nothing waits: no message
        code = await handed_over(o)  # late at 12.00
        await handed_over(o, "Kerja bakti\nWarga RW 05 membersihkan saluran.")
        await reminder_sweep(o.h)
        assert digests(o.it_group) == []  # today's was written already

        # Friday 07.30: the IT group hears of its queue, the late one by name.
        o.clock.advance(hours=22, minutes=30)
        await reminder_sweep(o.h)
        await reminder_sweep(o.h)
        [text] = digests(o.it_group)
        assert text.startswith("☀️ Selamat pagi — antrian Jumat, 27 Nov 2026")
        assert "📥 Di Tim IT: 2 menunggu, 2 terlambat" in text
        assert f"{code} · Jadwal layanan — terlambat" in text
        assert "Ketik /antrian untuk daftar lengkap." in text
        assert digests(o.web_group) == [] and digests(o.log_group) == []
        clock, it_group = o.clock, o.it_group

    # Thursday 24 December is cuti bersama, Friday 25 Christmas: no digest; Monday 28
    # at 07.30 the digest comes, once, across a restart.
    clock.advance(days=27)  # Thursday 24 December, 07.30
    restarted = Harness.for_warta(
        fake_bot_api, tmp_path / "data", database_url, admin_ids=[ADMIN_ID], clock=clock
    )
    async with restarted as h:
        pause_reminders(h)
        await reminder_sweep(h)
        clock.advance(days=1)
        await reminder_sweep(h)
        assert len(digests(it_group)) == 1
        clock.advance(days=3)  # Monday 28 December, 07.30
        await reminder_sweep(h)
    async with Harness.for_warta(
        fake_bot_api, tmp_path / "data", database_url, admin_ids=[ADMIN_ID], clock=clock
    ) as h:
        pause_reminders(h)
        await reminder_sweep(h)
    texts = digests(it_group)
    assert len(texts) == 2
    assert texts[1].startswith("☀️ Selamat pagi — antrian Senin, 28 Des 2026")


async def test_a_scheduled_publication_is_not_reminded_and_late_only_after_its_standard(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Pasar murah\nDi balai kota, Sabtu pagi.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)
        await o.official.taps("Setujui", in_chat=o.officials_group)
        await o.publisher.taps("Jadwalkan", in_chat=o.publishers_group)
        await o.publisher.taps("Ketik tanggal", in_chat=o.publishers_group)
        await o.publisher.replies("besok 08.00", in_chat=o.publishers_group)
        item = (await snapshot(database_url)).item(code)
        wib = timedelta(hours=7)
        assert item.step_remind_at is None and item.step_due_at is not None
        assert (item.step_due_at + wib).strftime("%a %H:%M") == "Fri 08:15"
        # Thursday 09.10: the approval's own 10-minute reminder is gone with the schedule.
        o.clock.advance(minutes=10)
        await reminder_sweep(o.h)
        assert reminders(o.publishers_group, code) == []
        # The scheduler is held back, as if it had failed to publish at 08.00.
        for job in o.h.app.job_queue.get_jobs_by_name("publish-sweep"):
            job.enabled = False
        o.clock.advance(hours=23, minutes=5)  # Friday 08.15, not published: late
        await reminder_sweep(o.h)
        assert len(escalations(o.officials_group, code)) == 1
