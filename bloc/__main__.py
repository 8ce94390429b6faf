from bloc.cli import main

main()
