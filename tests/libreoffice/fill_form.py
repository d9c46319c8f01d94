"""Fills in a form of `kpi template` as a person does, in LibreOffice Calc.

    python3 fill_form.py PROFILE IN.xlsx OUT.xlsx REQUEST.json

PROFILE is an empty folder for LibreOffice's user profile. REQUEST holds
  "typed":  [[cell, text], ...]  text typed into the first sheet's cells, through the
            input line (.uno:EnterString), so that the cell's format takes it as typing
            does: a text cell keeps "95%" as written, a General cell makes it 0.95;
  "probe":  {"cell": "F2", "scratch": "H2", "values": [...]}: each value put in `cell`
            as text, and the cell's own data validation formula evaluated on it in
            `scratch` (cleared afterwards).
Prints {"probe": {value: true|false}, "typed": [[cell, type, text], ...], "validation":
{"type", "error_style"}} and saves the sheet as OUT.xlsx (Excel 2007-365).
"""

import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Linguistic/SpellChecking"><prop oor:name="IsSpellAuto" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Recovery/AutoSave"><prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Recovery/RecoveryInfo"><prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Input"><prop oor:name="AutoInput" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseSystemFileDialog" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main():
    profile, source, target, request = sys.argv[1:5]
    with open(request, encoding="utf-8") as f:
        request = json.load(f)
    # Idle-time work (automatic spell checking of what is typed, autosave) has made a
    # headless office abort in a timer mid-run; none of it is needed here.
    os.makedirs(os.path.join(profile, "user"), exist_ok=True)
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
        f.write(SETTINGS)
    pipe = "kpi-form-%d" % os.getpid()
    office = subprocess.Popen(
        [
            "soffice",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        ctx = None
        for _ in range(1200):
            try:
                ctx = resolver.resolve(
                    "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
                )
                break
            except Exception:
                if office.poll() is not None:
                    raise SystemExit("soffice ended before it could be reached")
                time.sleep(0.1)
        if ctx is None:
            raise SystemExit("soffice could not be reached in 120 seconds")
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)),
            "_blank",
            0,
            (prop("Hidden", True),),
        )
        sheet = doc.Sheets.getByIndex(0)
        result = {"probe": {}, "typed": []}

        probe = request.get("probe")
        if probe:
            cell = sheet.getCellRangeByName(probe["cell"])
            scratch = sheet.getCellRangeByName(probe["scratch"])
            validation = cell.getPropertyValue("Validation")
            result["validation"] = {
                "type": validation.Type.value,
                "error_style": validation.ErrorAlertStyle.value,
            }
            for value in probe["values"]:
                cell.setString(value)
                scratch.setFormula("=" + validation.getFormula1())
                doc.calculateAll()
                result["probe"][value] = scratch.getValue() == 1
            everything = 1023  # com.sun.star.sheet.CellFlags, all of them
            scratch.clearContents(everything)
            cell.clearContents(1 | 2 | 4 | 16)  # VALUE, DATETIME, STRING, FORMULA

        controller = doc.getCurrentController()
        frame = controller.getFrame()
        dispatcher = smgr.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", ctx
        )
        for address, text in request.get("typed", []):
            controller.select(sheet.getCellRangeByName(address))
            dispatcher.executeDispatch(
                frame, ".uno:EnterString", "", 0, (prop("StringName", text),)
            )
            cell = sheet.getCellRangeByName(address)
            result["typed"].append([address, cell.getType().value, cell.getString()])

        doc.storeToURL(
            uno.systemPathToFileUrl(os.path.abspath(target)),
            (prop("FilterName", "Calc MS Excel 2007 XML"),),
        )
        print(json.dumps(result, ensure_ascii=False))
        try:
            doc.close(True)
            desktop.terminate()
        except Exception:
            pass  # the bridge goes down with the office
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            office.kill()


if __name__ == "__main__":
    main()
