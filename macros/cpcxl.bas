Attribute VB_Name = "cpcxl"
' cpcxl buttons for the desktop xlwings add-in. Written by `cpcxl macros` from the
' installed plugins; regenerate rather than edit. Each button has two procedures:
'   Name          runs the button with Python on this PC (RunPython), which needs
'                 cpcxl installed and the xlwings add-in (see docs/excel.md)
'   NameOnServer  sends the workbook to the cpcxl server (RunRemotePython); its address
'                 is the CPCXL_SERVER setting (xlwings.conf sheet or file)
' Needs a reference to the xlwings add-in: VBA editor > Tools > References > xlwings.
Option Explicit

Private Function CpcxlServer() As String
    CpcxlServer = GetConfig("CPCXL_SERVER", "http://127.0.0.1:8000")
End Function

' ---- budget ----

' Build budget: write the Budget, Risk share, Scenarios and Monitoring sheets.
Public Sub BuildBudget()
    RunPython "import cpcxl.xl.scripts as s; s.run('build_budget')"
End Sub

Public Sub BuildBudgetOnServer()
    RunRemotePython CpcxlServer() & "/xlwings/custom-scripts-call/build_budget"
End Sub

' ---- monitoring ----

' Build summary: check the return and write Summary, Evidence and Action plan sheets.
Public Sub BuildSummary()
    RunPython "import cpcxl.xl.scripts as s; s.run('build_summary')"
End Sub

Public Sub BuildSummaryOnServer()
    RunRemotePython CpcxlServer() & "/xlwings/custom-scripts-call/build_summary"
End Sub

' ---- proposals ----

' Evaluate proposals: appraise, score, decide and choose the portfolio for the round.
Public Sub EvaluateProposals()
    RunPython "import cpcxl.xl.scripts as s; s.run('evaluate_proposals')"
End Sub

Public Sub EvaluateProposalsOnServer()
    RunRemotePython CpcxlServer() & "/xlwings/custom-scripts-call/evaluate_proposals"
End Sub

' ---- risk ----

' Score register: flags and movement on the Register; Heat map and Summary refreshed.
Public Sub ScoreRegister()
    RunPython "import cpcxl.xl.scripts as s; s.run('score_register')"
End Sub

Public Sub ScoreRegisterOnServer()
    RunRemotePython CpcxlServer() & "/xlwings/custom-scripts-call/score_register"
End Sub

' ---- workforce ----

' Plan workforce: Read every input table; write Plan, Gap, Projection, Optimised mix, Risks, Costs, Wage
Public Sub PlanWorkforce()
    RunPython "import cpcxl.xl.scripts as s; s.run('plan_workforce')"
End Sub

Public Sub PlanWorkforceOnServer()
    RunRemotePython CpcxlServer() & "/xlwings/custom-scripts-call/plan_workforce"
End Sub
