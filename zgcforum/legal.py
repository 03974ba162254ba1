"""The default texts of the legal pages, written once on ``post_migrate`` when a page is missing.

The secretariat edits them in the admin afterwards. ``{sensitive_data_days}`` and
``{server_log_days}`` stay placeholders in the stored text: the page shows the settings' numbers,
so changing a retention setting changes the notice.
"""

PRIVACY_EN = """\
The Zhongguancun Forum platform is run by the forum's organizer and its secretariat in Beijing. \
This notice says, for each part of the platform, what personal information it keeps, why, for how \
long, and how you can export or delete it, as the Personal Information Protection Law of the \
People's Republic of China (PIPL) requires.

## Accounts
- What: your email address, name, preferred language and password (kept only as a hash).
- Why: to let you log in and to write to you in your language.
- How long: as long as your account exists; when your data is deleted at your request, the \
account is anonymised.
- Export or delete: download all data held about you, or ask for its deletion, from your \
registration page (links below); without a registration, write to the forum secretariat.

## Delegate registrations, badges and check-in
- What: your name in Latin script and in Chinese, organization, title, country or territory, \
category, invitation code and delegation; your badge and each check-in with its time and place; \
if you give them with your separate consent, your photo, dietary and accessibility needs \
(sensitive personal information).
- Why: accreditation, your badge, access control at the venues, catering, accessibility and the \
forum's statistics.
- How long: your photo, dietary and accessibility needs are erased {sensitive_data_days} days \
after the forum's last day, or at once when you withdraw your consent. The rest is kept until you \
ask for deletion: your registration is then anonymised, your badge revoked, and only anonymous \
counts remain.
- Export or delete: from your registration page; the accreditation desk confirms a deletion.

## Exhibitors and their staff
- What: the names, email addresses and roles of an organization's contacts and staff, and the \
applications they send.
- Why: to review applications, assign booths and register exhibitor staff for their badges.
- How long: while the organization takes part in the forum; its main contact removes members in \
the exhibitor portal. A staff member's registration and badge follow the rules above.
- Export or delete: your own account and registration as above; for the organization's records, \
write to the forum secretariat.

## Mail outbox
- What: each message the platform sends you: your address, the subject, the text and when it was \
sent.
- Why: to deliver mail reliably and to answer questions about what was sent.
- How long: as long as your account; when your data is deleted, the addresses and texts of your \
messages are erased.
- Export or delete: with your account, as above.

## Server logs
- What: the IP address, time, requested address and browser of each request.
- Why: security and troubleshooting, as the Cybersecurity Law of the People's Republic of China \
requires.
- How long: {server_log_days} days, then deleted.
- Export or delete: the logs are deleted when that period ends; ask the forum secretariat about \
the logs of your requests.

## Your rights
You may see, copy, correct and delete your personal information, withdraw a consent you gave, \
and ask how your information is processed. Write to the forum secretariat, which answers \
promptly.
"""

PRIVACY_ZH = """\
中关村论坛平台由论坛组委会及其秘书处在北京运营。根据《中华人民共和国个人信息保护法》，本声明逐一说明\
平台各部分保存哪些个人信息、用途、保存期限，以及您如何导出或删除这些信息。

## 账户
- 保存内容：电子邮箱、姓名、首选语言和密码（仅保存其哈希值）。
- 用途：供您登录，并以您选择的语言与您联系。
- 保存期限：账户存续期间。您申请删除数据后，账户即被匿名化。
- 导出或删除：可在报名页面（见下方链接）下载我们保存的关于您的全部数据，或申请删除；尚未报名的，\
请联系论坛秘书处。

## 参会代表报名、胸卡和签到
- 保存内容：拉丁字母姓名和中文姓名、单位、职务、国家或地区、代表类别、邀请码和所属代表团；您的胸卡及每次\
签到的时间和地点；经您单独同意后提供的照片、饮食需求和无障碍需求（敏感个人信息）。
- 用途：证件审核、制作胸卡、场馆出入管理、餐饮安排、无障碍服务和论坛统计。
- 保存期限：照片、饮食需求和无障碍需求在论坛最后一天之后{sensitive_data_days}天删除；您撤回同意时\
立即删除。其余信息保存至您申请删除为止：届时报名信息被匿名化，胸卡作废，仅保留匿名统计数字。
- 导出或删除：在报名页面操作；删除申请由证件审核台确认。

## 展商及其工作人员
- 保存内容：展商联系人和工作人员的姓名、电子邮箱和角色，以及其提交的参展申请。
- 用途：审核参展申请、分配展位，并为展商工作人员办理报名和胸卡。
- 保存期限：展商参加论坛期间；主要联系人可在展商门户中移除成员。工作人员的报名和胸卡按上文规则处理。
- 导出或删除：本人的账户和报名信息同上；展商的资料请联系论坛秘书处。

## 邮件发件箱
- 保存内容：平台发给您的每封邮件：收件地址、主题、正文和发送时间。
- 用途：可靠地投递邮件，并答复有关已发邮件的询问。
- 保存期限：与您的账户相同；您的数据被删除后，邮件的收件地址和正文随之清除。
- 导出或删除：随账户一并处理，同上。

## 服务器日志
- 保存内容：每次访问的IP地址、时间、访问的网址和浏览器信息。
- 用途：依照《中华人民共和国网络安全法》保障安全、排查故障。
- 保存期限：{server_log_days}天，期满删除。
- 导出或删除：日志期满自动删除；如需了解与您的访问有关的日志，请联系论坛秘书处。

## 您的权利
您有权查阅、复制、更正和删除您的个人信息，撤回已作出的同意，并要求我们说明个人信息的处理规则。\
请联系论坛秘书处，我们将及时答复。
"""

TERMS_EN = """\
These terms apply to everyone who registers for the Zhongguancun Forum as a delegate, takes part \
as an exhibitor or exhibitor staff, or uses this platform.

## Registration
- Give true and complete information, and register yourself only, or the members of your \
delegation with their agreement.
- A registration holds once the accreditation desk approves it. The organizer may refuse or \
cancel a registration and says why.

## Badges and check-in
- Your badge is personal: do not lend or pass it on. Wear it at the forum and show it at every \
check-in.
- Report a lost badge to the accreditation desk: it is revoked and a new one is issued.

## At the forum
- Follow the instructions of the organizer, the venues and their security staff, and the laws of \
the People's Republic of China.
- Photographs and video are taken at the forum and the organizer may publish them.

## Exhibitors
- Exhibitors keep to the exhibition rules they accepted with their application, and their \
exhibits meet fire and safety regulations.

## Changes
- The organizer may change the programme; changes are published on the schedule and mailed to \
the delegates who chose the sessions concerned.
- These terms may change; the version on this page applies.

Questions: write to the forum secretariat.
"""

TERMS_ZH = """\
本条款适用于以参会代表身份报名中关村论坛、以展商或展商工作人员身份参展，以及使用本平台的所有人。

## 报名
- 请提供真实、完整的信息，仅为本人报名，或经代表团成员同意后为其报名。
- 报名经证件审核台审核通过后方为有效。组委会可拒绝或取消报名，并说明理由。

## 胸卡和签到
- 胸卡限本人使用，不得出借或转让。参会期间请佩戴胸卡，每次签到时出示。
- 胸卡遗失请告知证件审核台：原胸卡作废，另行补发。

## 参会期间
- 请遵守组委会、场馆及其安保人员的指引，遵守中华人民共和国法律法规。
- 论坛现场将拍摄照片和视频，组委会可公开发布。

## 展商
- 展商须遵守提交参展申请时接受的展览规则，展品须符合消防和安全规定。

## 变更
- 组委会可调整议程；调整内容在日程页面公布，并以邮件通知选择了相关场次的参会代表。
- 本条款可能修订，以本页面所示版本为准。

如有疑问，请联系论坛秘书处。
"""

DEFAULT_PAGES = {
    "privacy": {
        "title_en": "Privacy notice",
        "title_zh_hans": "隐私声明",
        "body_en": PRIVACY_EN,
        "body_zh_hans": PRIVACY_ZH,
    },
    "terms": {
        "title_en": "Terms of participation",
        "title_zh_hans": "参会条款",
        "body_en": TERMS_EN,
        "body_zh_hans": TERMS_ZH,
    },
}
