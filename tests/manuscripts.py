"""Word manuscripts for the importer tests, made with python-docx, pictures drawn with Pillow.

The text is ours, in the layout correspondents send (通讯员稿件): title, byline line, body
paragraphs, sub-headings in Word's heading styles, a bold lead, two pictures each with its
caption (one typed under it, one in Word's Caption style), and a paragraph in a table cell.
The labels for it live in tests/fixtures/importer/labels.yaml under `manuscript.docx`.
"""

import io
from pathlib import Path

from PIL import Image, ImageDraw

TITLE = "象山县总工会为渔港码头工人建起“港湾驿站”"
CAPTIONS = ["图：码头工人在“港湾驿站”里休息、充电。", "驿站墙上贴着工会服务热线和法律援助指南。"]


def picture(color: tuple[int, int, int], size=(640, 420), label: str = "") -> bytes:
    """A small PNG of our own: a coloured field with a few shapes."""
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, size[0] - 40, size[1] - 40), outline=(255, 255, 255), width=6)
    draw.ellipse((size[0] // 3, size[1] // 4, size[0] // 3 * 2, size[1] // 4 * 3),
                 fill=(255, 255, 255))
    if label:
        draw.text((60, 60), label, fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_manuscript(path: Path) -> Path:
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("通讯员 陈静 王海波")
    document.add_paragraph(
        "8月2日，象山县总工会在石浦渔港码头建成的“港湾驿站”正式启用。驿站面积约80平方米，"
        "配有空调、饮水机、微波炉和手机充电柜，装卸工人、冷链司机和渔船船员都可以免费使用。")
    document.add_heading("从“找地方歇脚”到“有个家”", level=2)
    lead = document.add_paragraph()
    lead.add_run("选址听工人的。").bold = True
    lead.add_run("驿站建在哪里，县总工会先后三次到码头征求意见，最后选在离卸货区不到100米的地方，"
                 "工人们卸完一船货，走几步就能坐下喝口水。")
    document.add_picture(io.BytesIO(picture((40, 110, 170), label="1")), width=Cm(12))
    document.add_paragraph(CAPTIONS[0])
    document.add_heading("服务跟着渔汛走", level=2)
    document.add_paragraph(
        "渔汛期间，驿站延长开放时间，每天从凌晨4点开到晚上10点。县总工会还联合县人民医院，"
        "每月安排医生到驿站为工人测量血压、讲解防暑知识。")
    document.add_picture(io.BytesIO(picture((200, 120, 40), label="2")), width=Cm(12))
    document.add_paragraph(CAPTIONS[1], style="Caption")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "驿站开放时间：每天4:00至22:00，渔汛期不休息。"
    document.add_paragraph("下一步，县总工会计划在西周、贤庠等渔港再建3个驿站，年底前实现主要渔港全覆盖。")
    document.save(str(path))
    return path
