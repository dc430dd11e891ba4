#!/usr/bin/env python3
"""Rebuild samples/ from scripts/samples/src/*.txt (run from anywhere).

Needs LibreOffice (soffice), poppler-utils (pdftoppm), qpdf and the fonts-ipaexfont
and fonts-noto-cjk packages. The outputs are committed, so tests never run this.

Source names: <vendor>__<stem>.<target>.txt, target = docx | pdf | scan.
Markup, one paragraph per line:
  # title             centred title
  ## 第N条（見出し）    article heading typed as text
  #a （見出し）         article numbered automatically (numbering.xml, via the paragraph style)
  #p text             paragraph numbered automatically (２, ３ …)
  | a | b |           table row
  @header text        page header
  {del:…} {ins:…}     tracked deletion / insertion; {cmt:anchor|comment} a comment
"""
import os, re, shutil, subprocess, sys, tempfile, zipfile, zlib
from xml.sax.saxutils import escape

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "src")
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples")
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
FONTS = {"さくらメディカルクラウド": "IPAexMincho", "北斗システムサービス": "Noto Serif CJK JP"}
# ことぶき uses 第一条 (japaneseCounting); the others 第１条 (decimalFullWidth).
ARTICLE_FORMAT = {"ことぶきデータ": "japaneseCounting"}


def runs(text, comments):
    out = []
    for part in re.split(r"(\{(?:del|ins|cmt):[^{}]*\})", text):
        if not part:
            continue
        m = re.match(r"\{(del|ins|cmt):(.*)\}$", part)
        if not m:
            out.append(f'<w:r><w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
        elif m.group(1) == "del":
            out.append(f'<w:del w:id="{len(comments)+100}" w:author="法務部" w:date="2026-10-01T00:00:00Z"><w:r><w:delText xml:space="preserve">{escape(m.group(2))}</w:delText></w:r></w:del>')
        elif m.group(1) == "ins":
            out.append(f'<w:ins w:id="{len(comments)+200}" w:author="法務部" w:date="2026-10-01T00:00:00Z"><w:r><w:t xml:space="preserve">{escape(m.group(2))}</w:t></w:r></w:ins>')
        else:
            anchor, comment = m.group(2).split("|", 1)
            cid = len(comments)
            comments.append(comment)
            out.append(f'<w:commentRangeStart w:id="{cid}"/><w:r><w:t xml:space="preserve">{escape(anchor)}</w:t></w:r><w:commentRangeEnd w:id="{cid}"/><w:r><w:commentReference w:id="{cid}"/></w:r>')
    return "".join(out)


def para(text, comments, style=None, center=False):
    ppr = ""
    if style or center:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + ('<w:jc w:val="center"/>' if center else "") + "</w:pPr>"
    return f"<w:p>{ppr}{runs(text, comments)}</w:p>"


def build_docx(lines, path, font, article_format):
    body, comments, header, table = [], [], None, []

    def flush():
        if table:
            rows = "".join("<w:tr>" + "".join(f"<w:tc><w:tcPr><w:tcW w:w=\"3000\" w:type=\"dxa\"/></w:tcPr>{para(c, comments)}</w:tc>" for c in r) + "</w:tr>" for r in table)
            body.append(f'<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single"/><w:bottom w:val="single"/><w:insideH w:val="single"/><w:insideV w:val="single"/></w:tblBorders></w:tblPr>{rows}</w:tbl>')
            table.clear()

    for line in lines:
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush()
        if line.startswith("@header "):
            header = line[8:]
        elif line.startswith("# "):
            body.append(para(line[2:], comments, center=True))
        elif line.startswith("## "):
            body.append(para(line[3:], comments))
        elif line.startswith("#a "):
            body.append(para(line[3:], comments, style="Article"))
        elif line.startswith("#p "):
            body.append(para(line[3:], comments, style="Para"))
        else:
            body.append(para(line, comments))
    flush()
    sect = '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1700" w:right="1400" w:bottom="1700" w:left="1400" w:header="850" w:footer="850"/></w:sectPr>' if header else '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1700" w:right="1400" w:bottom="1700" w:left="1400"/></w:sectPr>'
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{"".join(body)}{sect}</w:body></w:document>'
    styles = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}>
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Numbered"><w:name w:val="Numbered"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Article"><w:name w:val="Article"/><w:basedOn w:val="Numbered"/><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Para"><w:name w:val="Para"/><w:basedOn w:val="Numbered"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>'''
    numbering = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {W}>
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{article_format}"/><w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="2"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="%2"/><w:suff w:val="space"/></w:lvl>
</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'''
    rels = ['<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>',
            '<Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>']
    overrides = ['<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>',
                 '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>',
                 '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>']
    parts = {"word/document.xml": document, "word/styles.xml": styles, "word/numbering.xml": numbering}
    if header:
        parts["word/header1.xml"] = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {W}>{para(header, [])}</w:hdr>'
        rels.append('<Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>')
        overrides.append('<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>')
    if comments:
        cs = "".join(f'<w:comment w:id="{i}" w:author="病院 情報システム課" w:date="2026-10-02T00:00:00Z">{para(c, [])}</w:comment>' for i, c in enumerate(comments))
        parts["word/comments.xml"] = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {W}>{cs}</w:comments>'
        rels.append('<Relationship Id="rIdComments" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>')
        overrides.append('<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>')
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          + "".join(overrides) + "</Types>")
    root_rels = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    doc_rels = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(rels) + "</Relationships>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        # Fixed timestamps keep rebuilt DOCX files byte-identical.
        for name, data in [("[Content_Types].xml", ct), ("_rels/.rels", root_rels), ("word/_rels/document.xml.rels", doc_rels), *parts.items()]:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8"))


def to_pdf(docx, outdir):
    profile = os.path.join(tempfile.gettempdir(), "keiyaku_samples_lo")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", outdir, docx],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(outdir, os.path.splitext(os.path.basename(docx))[0] + ".pdf")


def image_only_pdf(pdf, out):
    """A scan: pages rendered to grey pixels, wrapped as a PDF with no text operators."""
    tmp = tempfile.mkdtemp()
    subprocess.run(["pdftoppm", "-r", "60", "-gray", pdf, os.path.join(tmp, "p")], check=True)
    pages = sorted(f for f in os.listdir(tmp) if f.endswith(".pgm"))
    objs, kids = [], []
    def add(o):
        objs.append(o); return len(objs)
    for f in pages:
        data = open(os.path.join(tmp, f), "rb").read()
        parts = data.split(b"\n", 3)  # P5, w h, maxval, pixels
        w, h = (int(x) for x in parts[1].split())
        pix = zlib.compress(parts[3])
        img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(pix)) + pix + b"\nendstream")
        content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
        c = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent PAGES 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>" % (img, c)))
    pages_id = add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids))
    cat = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out_b = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out_b))
        out_b += b"%d 0 obj\n" % i + o.replace(b"PAGES", b"%d" % pages_id) + b"\nendobj\n"
    xref = len(out_b)
    out_b += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out_b += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, cat, xref)
    open(out, "wb").write(out_b)
    shutil.rmtree(tmp)


def main():
    """With vendor names as arguments, rebuild only those vendors' files."""
    only = set(sys.argv[1:])
    work = tempfile.mkdtemp()
    for name in sorted(os.listdir(SRC)):
        vendor, rest = name.split("__", 1)
        if only and vendor not in only:
            continue
        stem, target, _ = rest.rsplit(".", 2)
        lines = [l.rstrip("\n") for l in open(os.path.join(SRC, name), encoding="utf-8") if l.strip()]
        os.makedirs(os.path.join(HERE, vendor), exist_ok=True)
        docx = os.path.join(work, stem + ".docx")
        build_docx(lines, docx, FONTS.get(vendor, "IPAexMincho"), ARTICLE_FORMAT.get(vendor, "decimalFullWidth"))
        dest = os.path.join(HERE, vendor, stem + (".docx" if target == "docx" else ".pdf"))
        if target == "docx":
            shutil.copy(docx, dest)
        elif target == "pdf":
            shutil.copy(to_pdf(docx, work), dest)
        elif target == "scan":
            image_only_pdf(to_pdf(docx, work), dest)
        print("wrote", os.path.relpath(dest, HERE))
    if only and "港北ITサービス" not in only:
        shutil.rmtree(work)
        return
    # Traps that are not made from text: an encrypted PDF, a truncated DOCX, a corrupt workbook.
    kohoku = os.path.join(HERE, "港北ITサービス")
    spec = os.path.join(kohoku, "別紙_通信仕様.pdf")
    subprocess.run(["qpdf", "--encrypt", "kohoku-secret", "owner-secret", "256", "--", spec, spec + ".enc"], check=True)
    os.replace(spec + ".enc", spec)
    data = open(os.path.join(kohoku, "業務委託契約書.docx"), "rb").read()
    open(os.path.join(kohoku, "旧契約書.docx"), "wb").write(data[: len(data) // 2])
    open(os.path.join(kohoku, "見積書.xlsx"), "wb").write(b"PK\x03\x04 not read by keiyaku")
    shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
