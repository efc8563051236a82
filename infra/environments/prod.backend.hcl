bucket = "vtchat-prod-tfstate"
