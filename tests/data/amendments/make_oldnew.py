"""Writes the documents of oldnew/ (python-docx 1.2; the PDF by LibreOffice
24, soffice --headless --convert-to pdf). Run from tests/data/amendments:
python3 make_oldnew.py"""
import os
import subprocess
from docx import Document
from docx.shared import Pt

BASE = [
    "保守委託契約書",
    "医療法人青葉会（以下「甲」という。）と株式会社南星システム（以下「乙」という。）は、医療情報システムの保守業務について、次のとおり契約する。",
    "第1条（目的）",
    "本契約は、甲が乙に委託する保守業務の条件を定める。",
    "第2条（責任分界）",
    "甲及び乙の責任分界は、別表に定める。",
    "第3条（事故報告）",
    "乙は、障害又は事故が発生したときは、直ちに甲に報告しなければならない。",
    "第4条（調査協力）",
    "乙は、甲が行う事故の調査に協力しなければならない。",
    "第5条（報告）",
    "乙は、保守作業の記録を作成し、保管する。",
    "２　乙は、毎月、保守作業の実施状況及び安全管理措置の実施状況を甲に報告しなければならない。",
    "第6条（監査）",
    "甲は、乙の事業所に立ち入り、保守業務の実施状況を監査することができる。",
    "第7条（再委託）",
    "乙は、再委託先の行為について、自らの行為と同様に一切の責任を負う。",
    "第8条（通信の暗号化）",
    "乙は、医療情報を送受信するときは、通信を暗号化しなければならない。",
    "以上",
    "2024年4月1日",
]

HEAD = [
    "保守委託契約の一部変更に関する覚書",
    "医療法人青葉会（以下「甲」という。）と株式会社南星システム（以下「乙」という。）は、甲乙間の2024年4月1日付保守委託契約書（以下「原契約」という。）について、次のとおり合意する。",
    "第1条（変更内容）",
    "原契約の一部を別紙新旧対照表のとおり変更する。",
    "第2条（効力発生日）",
    "本覚書は、2025年4月1日から効力を生ずる。",
    "2025年3月14日",
    "甲　医療法人青葉会",
    "乙　株式会社南星システム",
    "別紙",
    "新旧対照表",
]

# (改正後, 改正前): each cell's paragraphs.
ROWS = [
    (["第3条（事故報告）", "乙は、障害又は事故が発生したときは、直ちに甲に報告するよう努めるものとする。"],
     ["第3条（事故報告）", "乙は、障害又は事故が発生したときは、直ちに甲に報告しなければならない。"]),
    (["第4条（調査協力）", "（略）"], ["第4条（調査協力）", "（略）"]),
    (["第5条（報告）", "（略）", "２　乙は、甲の求めに応じて、保守作業の実施状況を甲に報告する。"],
     ["第5条（報告）", "（略）", "２　乙は、毎月、保守作業の実施状況及び安全管理措置の実施状況を甲に報告しなければならない。"]),
    (["第7条　削除"], ["第7条（再委託）", "乙は、再委託先の行為について、自らの行為と同様に一切の責任を負う。"]),
    (["第8条の2（原因調査）", "障害又は事故の原因調査は、乙が主導して行う。"], ["（新設）"]),
]


def font(doc):
    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK JP"
    style.font.size = Pt(10.5)


def base(path):
    doc = Document()
    font(doc)
    for line in BASE:
        doc.add_paragraph(line)
    doc.save(path)


def memo(path, reverse=False):
    doc = Document()
    font(doc)
    for line in HEAD:
        doc.add_paragraph(line)
    header = ["改正後", "改正前"]
    rows = ROWS
    if reverse:
        header = header[::-1]
        rows = [(o, n) for (n, o) in ROWS]
    table = doc.add_table(rows=1 + len(rows), cols=2)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for r, (left, right) in enumerate(rows, start=1):
        for cell, paras in zip(table.rows[r].cells, (left, right)):
            cell.text = paras[0]
            for p in paras[1:]:
                cell.add_paragraph(p)
    doc.add_paragraph("以上")
    doc.save(path)


if __name__ == "__main__":
    for d in ["oldnew/南星システム", "oldnew/南星システムPDF"]:
        os.makedirs(d, exist_ok=True)
    base("oldnew/南星システム/保守委託契約書.docx")
    memo("oldnew/南星システム/覚書.docx")
    # The PDF variant: columns in the reverse order (改正前 | 改正後).
    base("oldnew/南星システムPDF/保守委託契約書.docx")
    memo("oldnew/南星システムPDF/覚書.docx", reverse=True)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir",
         "oldnew/南星システムPDF", "oldnew/南星システムPDF/覚書.docx"],
        check=True, capture_output=True)
    os.remove("oldnew/南星システムPDF/覚書.docx")
