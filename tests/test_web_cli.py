"""`iku serve` as a person starts it: the links it prints, the network warning, tokens that
survive a restart, Ctrl+C, a port in use."""

from __future__ import annotations

import re
import socket
import stat

import httpx2 as httpx
import pytest

from pipeline import paths
from pipeline.web import server as web_server

from conftest import run_cli
from web_support import ServeProcess, text_of


def test_serve_prints_one_link_per_unit_and_stops_on_ctrl_c(master, tmp_path):
    data = tmp_path / "data"
    with ServeProcess("--data", str(data)) as served:
        labels = list(served.links)
        assert labels == [web_server.SECRETARIAT_LINK,
                          *[f"Unit {u.code}" for u in master.reporting_units]]
        assert all(url.startswith("http://127.0.0.1:") for url in served.links.values())
        assert not any("PERHATIAN" in line for line in served.output)
        assert httpx.get(served.secretariat).status_code == 200
        assert httpx.get(served.units["POLITIK"] + "x").status_code == 404
        code, out, err = served.stop()
    assert code == 0, err
    assert out.strip().endswith("Server dihentikan.")
    assert "Traceback" not in err
    assert "404 (tautan tidak dikenal)" in (data / "server.log").read_text(encoding="utf-8")
    assert stat.S_IMODE((data / "token.json").stat().st_mode) == 0o600


def test_a_unit_coded_sekretariat_is_printed_apart_from_the_secretariats_link(tmp_path):
    """Many agencies have a unit coded SEKRETARIAT: its link and the secretariat's are
    printed under two labels that cannot be confused, each opening its own page. Before:
    two lines both labelled "SEKRETARIAT:"."""
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    text = text.replace("unit_pelapor: [POLITIK]", "unit_pelapor: [SEKRETARIAT]")
    master_file = tmp_path / "master.yaml"
    master_file.write_text(text, encoding="utf-8")
    with ServeProcess("-c", str(master_file), "--data", str(tmp_path / "data")) as served:
        printed = [line.rpartition(": ")[0] for line in served.output if ": http://" in line]
        assert len(printed) == len(set(printed)) == len(served.units) + 1
        assert printed[0] == "Halaman Sekretariat (jangan dibagikan)"
        assert "Unit SEKRETARIAT" in printed
        assert not any(label.startswith("SEKRETARIAT") for label in printed)
        assert "/s/" in served.secretariat and "/u/" in served.units["SEKRETARIAT"]
        assert "halaman Sekretariat" in text_of(httpx.get(served.secretariat).text)
        unit_page = text_of(httpx.get(served.units["SEKRETARIAT"]).text)
        assert "Status unit SEKRETARIAT" in unit_page and "halaman Sekretariat" not in unit_page


def _paths(links: dict[str, str]) -> dict[str, str]:
    """Each link without its scheme, host and port (port 0 picks another port each time)."""
    return {label: "/" + url.split("/", 3)[3] for label, url in links.items()}


def test_links_survive_a_restart_and_token_baru_replaces_them(tmp_path):
    data = tmp_path / "data"
    with ServeProcess("--data", str(data)) as first:
        before = _paths(first.links)
    with ServeProcess("--data", str(data)) as second:
        assert _paths(second.links) == before
    with ServeProcess("--data", str(data), "--token-baru") as third:
        after = _paths(third.links)
        assert set(after) == set(before)
        assert not set(after.values()) & set(before.values())
        root = third.secretariat.split("/s/")[0]
        secretariat = web_server.SECRETARIAT_LINK
        assert httpx.get(root + before[secretariat]).status_code == 404
        assert httpx.get(root + after[secretariat]).status_code == 200


def test_another_host_gets_the_network_warning(tmp_path):
    with ServeProcess("--data", str(tmp_path / "data"), "--host", "0.0.0.0") as served:
        warning = served.output[0]
        assert warning.startswith("PERHATIAN: halaman ini terbuka untuk jaringan (--host "
                                  "0.0.0.0), bukan hanya untuk komputer ini. Siapa pun di "
                                  "jaringan itu yang memegang salah satu tautan")
        assert list(served.links)[0] == web_server.SECRETARIAT_LINK
        assert served.secretariat.startswith(f"http://{socket.gethostname()}:")


@pytest.mark.parametrize("host, local", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("192.168.1.10", False), ("::", False), ("kantor.local", False),
])
def test_which_hosts_are_this_computer_only(host, local):
    assert web_server.is_local(host) is local


def test_a_port_in_use_is_a_usage_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli("serve", "--data", tmp_path / "data", "--port", port)
    assert result.exit_code == 2
    assert f"GALAT: tidak dapat membuka 127.0.0.1:{port}" in result.stderr
    assert "pilih port lain dengan --port" in result.stderr


@pytest.mark.parametrize("args, folder", [
    ((), "server"), (("--triwulan", "3"), "server_tw3"),
])
def test_the_default_data_folder_is_under_the_agencys_output(master, monkeypatch, args,
                                                            folder):
    seen = {}

    def fake_serve(site, host, port, echo):
        seen.update(folder=site.folder, host=host, port=port, quarter=site.quarter)

    import pipeline.web.site as web_site

    monkeypatch.setattr(web_server, "serve", fake_serve)
    monkeypatch.setattr(web_site, "open_site", lambda master, folder, quarter, **kw: (
        type("S", (), {"folder": folder, "quarter": quarter})()))
    result = run_cli("serve", *args)
    assert result.exit_code == 0, result.output
    assert seen["folder"] == paths.OUTPUT / master.output_name / folder
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8000)
    assert seen["quarter"] == (int(args[1]) if args else None)


@pytest.mark.parametrize("args, message", [
    (("--triwulan", "5"), "--triwulan"), (("--port", "70000"), "--port"),
])
def test_bad_options_are_usage_errors(args, message):
    result = run_cli("serve", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_the_load_test_runs_and_writes_its_section(tmp_path):
    from dev import bench_web

    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nstage figures\n", encoding="utf-8")
    assert bench_web.main(["--uploads", "6", "--clients", "3", "--out", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    assert first.startswith("# Benchmarks\n\nstage figures\n\n<!-- bench_web -->")
    assert "| uploads stored as versions, bytes identical | 6 of 6 (all) |" in first
    assert "| checked: diterima / ada galat | 5 / 1 |" in first
    bench_web.write_section(out, "<!-- bench_web -->\nlagi\n<!-- /bench_web -->\n")
    assert out.read_text(encoding="utf-8") == (
        "# Benchmarks\n\nstage figures\n\n<!-- bench_web -->\nlagi\n<!-- /bench_web -->\n")


def test_the_load_test_measures_an_upload_with_versions_stored(capsys):
    from dev import bench_web

    assert bench_web.main(["--versions", "3"]) == 0
    assert re.fullmatch(r"3 versions stored: \d+\.\d ms of CPU per upload and its result "
                        r"page; open_site read them in \d\.\d{3} s of CPU\n",
                        capsys.readouterr().out)


@pytest.mark.parametrize("values, q, expected", [
    ([5, 1, 3, 2, 4], 0.5, 3), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10), ([7], 0.95, 7),
    (list(range(1, 21)), 0.95, 19),
])
def test_nearest_rank_percentile(values, q, expected):
    from dev.bench_web import percentile

    assert percentile(values, q) == expected
