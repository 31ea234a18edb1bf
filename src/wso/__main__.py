from wso.cli.main import main

main()
