from cpcxl.cli import main

main()
